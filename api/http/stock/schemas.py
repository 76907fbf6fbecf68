"""Query arguments and responses of the stock resources; the stock message itself is ``oms.schemas``'s."""

from __future__ import annotations

from marshmallow import fields

from api.http.extensions import Schema
from api.http.orders.schemas import CODE
from api.http.pagination import PageArgs, PageSchema

SELLABLE = fields.Dict(
    keys=fields.String(),
    values=fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True)),
    required=True,
    metadata={"description": "SKU -> channel -> sellable quantity (null: unlimited)"},
)


class StockArgs(PageArgs):
    sku = fields.String(validate=CODE)
    source = fields.String(validate=CODE)


class SellableArgs(PageArgs):
    sku = fields.String(validate=CODE)
    channel = fields.String(validate=CODE)


class StockRowSchema(Schema):
    source = fields.String(required=True)
    sku = fields.String(required=True)
    on_hand = fields.Integer(required=True)
    reserved = fields.Integer(required=True)
    safety_stock = fields.Integer(required=True)
    unlimited = fields.Boolean(required=True)
    available = fields.Integer(required=True, allow_none=True, metadata={"description": "null: unlimited"})


class StockPageSchema(PageSchema):
    rows = fields.List(fields.Nested(StockRowSchema), required=True)
    sellable = SELLABLE


class SellablePageSchema(PageSchema):
    sellable = SELLABLE


class StockResultSchema(Schema):
    changed = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    orders_resourced = fields.Integer(required=True)
    warnings = fields.List(fields.String(), required=True)
    replayed = fields.Boolean(
        required=True, metadata={"description": "the message's reference was applied before: nothing changed now"}
    )
