"""Query arguments and response documents of the orders resource.

Request bodies reuse ``oms.schemas`` (the intake order); the responses
describe the OMS's read models (``oms.service.views``), which the command
line prints as they are with ``--json``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import marshmallow as ma
from marshmallow import fields, validate

from api.http.extensions import Schema
from api.http.pagination import PageArgs, PageSchema
from oms.domain.statuses import OrderStatus

CODE = validate.Length(min=1, max=64)
# Dates the database can store after conversion to UTC (year 1 minus an offset is not one).
WHEN = validate.Range(datetime(1900, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC), error="must be in 1900-9998")
REASON = validate.Regexp(r"^[A-Z][A-Z0-9_]{0,39}$", error="must be a reason code: capitals, digits, _ (at most 40)")


def _text(**kw: object) -> fields.String:
    return fields.String(required=True, **kw)  # type: ignore[arg-type]


def _maybe(**kw: object) -> fields.String:
    return fields.String(required=True, allow_none=True, **kw)  # type: ignore[arg-type]


class OrderListArgs(PageArgs):
    channel = fields.String(validate=CODE)
    status = fields.String(validate=validate.OneOf([s.value for s in OrderStatus]))
    created_from = fields.AwareDateTime(
        validate=WHEN, metadata={"description": "created at or after (ISO 8601, zoned)"}
    )
    created_to = fields.AwareDateTime(validate=WHEN, metadata={"description": "created before (ISO 8601, zoned)"})
    sku = fields.String(validate=CODE, metadata={"description": "orders with a line of this SKU"})
    source = fields.String(validate=CODE, metadata={"description": "orders with a shipment request at this source"})
    order_id = fields.String(validate=CODE, metadata={"description": "orders whose id starts with this"})
    name = fields.String(
        validate=validate.Length(min=1, max=200),
        metadata={"description": "customer name or last name, its start; case and accents ignored"},
    )
    email = fields.String(validate=validate.Length(min=1, max=254), metadata={"description": "customer e-mail"})
    phone = fields.String(
        validate=validate.Length(min=1, max=32), metadata={"description": "customer phone: only digits compared"}
    )
    postcode = fields.String(
        validate=validate.Length(min=1, max=16), metadata={"description": "shipping postcode, spaces ignored"}
    )
    reason = fields.String(validate=REASON)
    type = fields.String(validate=validate.OneOf(["normal", "exchange", "reshipment"]))
    sort = fields.String(
        load_default="newest",
        validate=validate.OneOf(["newest", "oldest"]),
        metadata={"description": "placement order: newest first (default) or oldest first"},
    )


class OrderSummarySchema(Schema):
    order_id = _text()
    channel = _text()
    type = _text()
    status = _text()
    reason = _maybe()
    delivery_method = _text()
    created_at = _text(metadata={"format": "date-time"})
    placed_at = _text(metadata={"format": "date-time"})
    customer_name = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)


class OrderPageSchema(PageSchema):
    items = fields.List(fields.Nested(OrderSummarySchema), required=True)


class PlacedSchema(Schema):
    order_id = _text()
    channel = _text()
    status = _text()
    reason = _maybe()
    created = fields.Boolean(required=True, metadata={"description": "false: this payload was placed before"})
    units = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "units ordered, allocated, shipped, waiting and cancelled"},
    )
    cancelled_by_reason = fields.Dict(keys=fields.String(), values=fields.Integer())


class ReleasedSchema(Schema):
    order_id = _text()
    channel = _text()
    status = _text()
    reason = _maybe()


class RequestItemSchema(Schema):
    line_id = _text()
    sku = _text()
    quantity = fields.Integer(required=True)
    status = _text()
    from_ = fields.String(data_key="from", metadata={"description": "in-store pickup: where the goods come from"})


class PackageItemSchema(Schema):
    line_id = _text()
    sku = _text()
    quantity = fields.Integer(required=True)


class PackageSchema(Schema):
    package_id = fields.Integer(required=True)
    carrier = _text()
    tracking = _text()
    shipped_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    lines = fields.List(fields.Nested(PackageItemSchema), required=True)


class RequestViewSchema(Schema):
    request_id = fields.Integer(required=True)
    source = _text()
    method = _text()
    destination = _maybe()
    status = _text()
    reason = _maybe()
    carrier = _maybe()
    tracking = _maybe()
    items = fields.List(fields.Nested(RequestItemSchema), required=True)
    packages = fields.List(fields.Nested(PackageSchema), required=True)


class LineViewSchema(Schema):
    line_id = _text()
    sku = _text()
    quantity = fields.Integer(required=True)
    unit_price = _text(metadata={"description": "exact, in the order's currency"})
    discount = _text(metadata={"description": "for the whole line"})
    tax = _text(metadata={"description": "for the whole line"})
    paid = _text(metadata={"description": "unit_price * quantity - discount + tax"})
    bundle = _maybe()
    product_type = _text()
    preshipped_source = _maybe()
    status = _text()
    units = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    declined_by = fields.List(fields.String(), required=True)
    backorder_exception = fields.Boolean(required=True)


class TimelineEntrySchema(Schema):
    at = _text(metadata={"format": "date-time"})
    entity = _text()
    id = _text()
    quantity = fields.Integer(required=True, allow_none=True)
    from_ = fields.String(required=True, allow_none=True, data_key="from")
    to = _text()
    reason = _maybe()
    actor = _text()
    note = _maybe()


class OrderViewSchema(Schema):
    order_id = _text()
    channel = _text()
    type = _text()
    original_order_id = _maybe()
    status = _text()
    reason = _maybe()
    hold = _maybe()
    delivery = fields.Dict(required=True)
    customer = fields.Dict(required=True, allow_none=True, metadata={"description": "id, names, email, phone"})
    billing_address = fields.Dict(required=True, allow_none=True)
    created_at = _text(metadata={"format": "date-time"})
    placed_at = _text(metadata={"format": "date-time"})
    sourcing_attempts = fields.Integer(required=True)
    bundle_attempts = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "sourcing attempts per bundle"},
    )
    currency = _text(metadata={"description": "ISO 4217"})
    lines = fields.List(fields.Nested(LineViewSchema), required=True)
    service_lines = fields.List(fields.Dict(), required=True)
    shipment_requests = fields.List(fields.Nested(RequestViewSchema), required=True)
    timeline = fields.List(fields.Nested(TimelineEntrySchema), required=True)
    money = fields.Dict(
        required=True, metadata={"description": "paid, refunded, pending and refundable, in total and per line"}
    )
    returns = fields.List(fields.Dict(), required=True)
    refunds = fields.List(fields.Dict(), required=True, metadata={"description": "refunds and appeasements"})
    price_adjustments = fields.List(fields.Dict(), required=True)
    linked_orders = fields.List(fields.Dict(), required=True, metadata={"description": "exchanges, reshipments"})


class LineQuantitySchema(Schema):
    line_id = fields.String(required=True, validate=CODE)
    quantity = fields.Integer(
        strict=True,
        validate=validate.Range(1, 2**31 - 1),
        metadata={"description": "units to cancel; all open units of the line when absent"},
    )


class CancelSchema(Schema):
    lines = fields.List(
        fields.Nested(LineQuantitySchema),
        validate=validate.Length(min=1, max=1000),
        metadata={"description": "only these lines; the whole order when absent"},
    )
    reason = fields.String(load_default="CUSTOMERREQ", validate=REASON)

    @ma.validates_schema
    def check_lines(self, data: dict, **_: object) -> None:
        seen = [line["line_id"] for line in data.get("lines", [])]
        twice = sorted({x for x in seen if seen.count(x) > 1})
        if twice:
            raise ma.ValidationError({"lines": [f"line {twice[0]!r} listed twice"]})


class CancelledSchema(Schema):
    cancelled_units = fields.Integer(required=True)
    status = _text()
    reason = _maybe()


class ResourceSchema(Schema):
    batch = fields.Boolean(load_default=False, metadata={"description": "also orders of batch channels never sourced"})
    skus = fields.List(fields.String(validate=CODE), validate=validate.Length(max=1000), load_default=list)


class ResourcedSchema(Schema):
    orders_sourced = fields.Integer(required=True)
    backorder_exceptions_flagged = fields.Integer(required=True)
