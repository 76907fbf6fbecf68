"""A source is the engine's (``docs/contract.md``): its schema is reused, not copied."""

from __future__ import annotations

import marshmallow as ma

from api.http.pagination import PageSchema
from sourcing_engine.schemas.inputs import SourceSchema

__all__ = ["SourcePageSchema", "SourceSchema"]


class SourcePageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(SourceSchema), required=True)
