"""Bodies and documents of returns, refunds and appeasements (the documents are ``oms.service`` read models)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from api.http.extensions import Schema

CODE = validate.Length(min=1, max=64)
REASON = validate.Regexp(r"^[A-Z][A-Z0-9_]{0,39}$", error="must be a reason code: capitals, digits, _ (at most 40)")
AMOUNT = {"description": 'a decimal amount as a string ("4.95") or a number, at most the currency\'s minor digits'}


class ReturnLineBodySchema(Schema):
    line_id = fields.String(required=True, validate=CODE)
    quantity = fields.Integer(strict=True, required=True, validate=validate.Range(1, 1_000_000))


class DamagedLineSchema(Schema):
    line_id = fields.String(required=True, validate=CODE)
    quantity = fields.Integer(strict=True, required=True, validate=validate.Range(0, 1_000_000))


def _unique(lines: list[dict]) -> None:
    seen = [line["line_id"] for line in lines]
    twice = sorted({x for x in seen if seen.count(x) > 1})
    if twice:
        raise ma.ValidationError({"lines": [f"line {twice[0]!r} listed twice"]})


class ReturnBodySchema(Schema):
    lines = fields.List(fields.Nested(ReturnLineBodySchema), required=True, validate=validate.Length(min=1, max=1000))
    reason = fields.String(required=True, validate=REASON)
    description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))
    source = fields.String(
        load_default=None, allow_none=True, validate=CODE, metadata={"description": "default: the shipping source"}
    )

    @ma.validates_schema
    def check_lines(self, data: dict, **_: object) -> None:
        _unique(data.get("lines", []))


class ReceiveBodySchema(Schema):
    damaged = fields.List(
        fields.Nested(DamagedLineSchema),
        load_default=list,
        validate=validate.Length(max=1000),
        metadata={"description": "units that came back damaged, per line; the others are good"},
    )


class ReturnLineSchema(Schema):
    line_id = fields.String(required=True)
    quantity = fields.Integer(required=True)
    good = fields.Integer(required=True, allow_none=True)
    damaged = fields.Integer(required=True, allow_none=True)


class ReturnSchema(Schema):
    id = fields.Integer(required=True)
    order_id = fields.String(required=True)
    channel = fields.String(required=True)
    status = fields.String(
        required=True, validate=validate.OneOf(["requested", "approved", "received", "rejected", "cancelled"])
    )
    source = fields.String(required=True)
    reason = fields.String(required=True)
    description = fields.String(required=True, allow_none=True)
    refund = fields.Boolean(required=True)
    lines = fields.List(fields.Nested(ReturnLineSchema), required=True)
    created_at = fields.String(required=True)
    created_by = fields.String(required=True)
    updated_at = fields.String(required=True)
    updated_by = fields.String(required=True)


class RefundLineSchema(Schema):
    line_id = fields.String(required=True)
    quantity = fields.Integer(required=True)
    amount = fields.String(required=True)


class RefundSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["refund", "appeasement"]))
    order_id = fields.String(required=True)
    channel = fields.String(required=True)
    status = fields.String(required=True)
    reason = fields.String(required=True)
    note = fields.String(required=True, allow_none=True)
    return_id = fields.Integer(required=True, allow_none=True)
    currency = fields.String(required=True)
    amount = fields.String(required=True)
    lines = fields.List(fields.Nested(RefundLineSchema), required=True)
    created_at = fields.String(required=True)
    created_by = fields.String(required=True)
    released_at = fields.String(required=True, allow_none=True)
    released_by = fields.String(required=True, allow_none=True)
    cancelled_at = fields.String(required=True, allow_none=True)
    cancelled_by = fields.String(required=True, allow_none=True)


class AppeasementLineSchema(Schema):
    line_id = fields.String(required=True, validate=CODE)
    amount = fields.Raw(required=True, metadata=AMOUNT)


class AppeasementBodySchema(Schema):
    reason = fields.String(required=True, validate=REASON)
    amount = fields.Raw(load_default=None, metadata={"description": "for the whole order; " + AMOUNT["description"]})
    lines = fields.List(fields.Nested(AppeasementLineSchema), load_default=list, validate=validate.Length(max=1000))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))

    @ma.validates_schema
    def check_lines(self, data: dict, **_: object) -> None:
        _unique(data.get("lines", []))


class ReshipmentBodySchema(Schema):
    lines = fields.List(fields.Nested(ReturnLineBodySchema), required=True, validate=validate.Length(min=1, max=1000))
    reason = fields.String(required=True, validate=REASON)

    @ma.validates_schema
    def check_lines(self, data: dict, **_: object) -> None:
        _unique(data.get("lines", []))


class ReshipmentSchema(Schema):
    order_id = fields.String(required=True)
    channel = fields.String(required=True)
    original_order_id = fields.String(required=True)
    reason = fields.String(required=True)
    status = fields.String(required=True)
    lines = fields.List(fields.Dict(), required=True)
    units = fields.Dict(required=True)
