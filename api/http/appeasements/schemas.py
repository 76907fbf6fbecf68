"""Appeasement bodies and documents."""

from __future__ import annotations

from api.http.returns.schemas import AppeasementBodySchema, RefundSchema

__all__ = ["AppeasementBodySchema", "RefundSchema"]
