"""A sales channel as the network document has it (``oms.schemas.ChannelSchema``), its sources listed."""

from __future__ import annotations

import marshmallow as ma

from api.http.pagination import PageSchema
from oms.catalog_schemas import ChannelSchema

__all__ = ["ChannelPageSchema", "ChannelSchema"]


class ChannelPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(ChannelSchema), required=True)
