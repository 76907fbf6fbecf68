"""Price adjustment bodies and documents."""

from __future__ import annotations

from marshmallow import fields

from api.http.extensions import Schema


class PriceBodySchema(Schema):
    price = fields.Raw(
        required=True, metadata={"description": "the new unit price: a decimal string or number in the currency"}
    )


class PriceAdjustmentSchema(Schema):
    id = fields.Integer(required=True)
    order_id = fields.String(required=True)
    channel = fields.String(required=True)
    line_id = fields.String(required=True)
    currency = fields.String(required=True)
    old_price = fields.String(required=True)
    new_price = fields.String(required=True)
    quantity = fields.Integer(required=True)
    difference = fields.String(required=True, metadata={"description": "refunded when positive"})
    source = fields.String(required=True)
    refund_id = fields.Integer(required=True, allow_none=True)
    created_at = fields.String(required=True)
    created_by = fields.String(required=True)
