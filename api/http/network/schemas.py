"""The network document (the engine's network plus products and channels, ``docs/oms.md``) and the load summary."""

from __future__ import annotations

import marshmallow as ma

from api.http.extensions import Schema
from oms.catalog_schemas import ChannelSchema, ProductSchema
from sourcing_engine.schemas.inputs import SourceSchema, StockSchema


class NetworkDocumentSchema(Schema):
    """For the OpenAPI document only: the handler checks the body and reports every problem at once."""

    sources = ma.fields.List(ma.fields.Nested(SourceSchema))
    products = ma.fields.List(ma.fields.Nested(ProductSchema))
    channels = ma.fields.List(ma.fields.Nested(ChannelSchema))
    stock = ma.fields.List(ma.fields.Nested(StockSchema))


class NetworkLoadedSchema(Schema):
    sources = ma.fields.Integer(metadata={"description": "sources in the document"})
    products = ma.fields.Integer()
    channels = ma.fields.Integer()
    stock_rows_changed = ma.fields.Integer()
    orders_resourced = ma.fields.Integer(metadata={"description": "waiting orders sourced again on new stock"})
    warnings = ma.fields.List(ma.fields.String())
