"""Exchange bodies and documents."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.http.extensions import Schema
from api.http.returns.schemas import AMOUNT, CODE, REASON, _unique


class ExchangeLineBodySchema(Schema):
    line_id = fields.String(required=True, validate=CODE, metadata={"description": "a shipped line of the order"})
    quantity = fields.Integer(strict=True, required=True, validate=validate.Range(1, 1_000_000))
    sku = fields.String(required=True, validate=CODE, metadata={"description": "the new SKU, a catalog product"})
    new_unit_price = fields.Raw(
        load_default=None,
        allow_none=True,
        metadata={**AMOUNT, "description": "the new SKU's unit price: reported as a difference, never charged"},
    )


class ExchangeBodySchema(Schema):
    lines = fields.List(fields.Nested(ExchangeLineBodySchema), required=True, validate=validate.Length(min=1, max=1000))
    reason = fields.String(
        load_default=None, allow_none=True, validate=REASON, metadata={"description": "default: EXCHANGE"}
    )
    source = fields.String(
        load_default=None, allow_none=True, validate=CODE, metadata={"description": "default: the shipping source"}
    )

    @ma.validates_schema
    def check_lines(self, data: dict, **_: object) -> None:
        _unique(data.get("lines", []))


class ExchangedLineSchema(Schema):
    line_id = fields.String(required=True)
    old_sku = fields.String(required=True)
    sku = fields.String(required=True)
    quantity = fields.Integer(required=True)
    value = fields.String(required=True, metadata={"description": "what the units replaced were paid"})


class ExchangeSchema(Schema):
    order_id = fields.String(required=True, metadata={"description": "the exchange order, <id>-E1, -E2..."})
    channel = fields.String(required=True)
    original_order_id = fields.String(required=True)
    return_id = fields.Integer(required=True)
    return_status = fields.String(required=True)
    mode = fields.String(required=True, validate=validate.OneOf(["immediate", "after_return"]))
    status = fields.String(required=True)
    reason = fields.String(required=True, allow_none=True)
    currency = fields.String(required=True)
    lines = fields.List(fields.Nested(ExchangedLineSchema), required=True)
    price_difference = fields.String(required=True, allow_none=True)
    units = fields.Dict(required=True)
    created_by = fields.String(required=True)
