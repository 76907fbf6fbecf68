"""Reshipment bodies and documents."""

from __future__ import annotations

from api.http.returns.schemas import ReshipmentBodySchema, ReshipmentSchema

__all__ = ["ReshipmentBodySchema", "ReshipmentSchema"]
