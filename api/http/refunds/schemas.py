"""Refund documents (shared with returns and appeasements)."""

from __future__ import annotations

from api.http.returns.schemas import RefundSchema

__all__ = ["RefundSchema"]
