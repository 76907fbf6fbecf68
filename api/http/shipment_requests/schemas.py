"""Query arguments, bodies and responses of the shipment requests resource."""

from __future__ import annotations

from marshmallow import fields, validate

from api.http.extensions import Schema
from api.http.orders.schemas import CODE, LineQuantitySchema, RequestViewSchema
from api.http.pagination import PageArgs, PageSchema
from oms.domain.statuses import RequestStatus


class RequestListArgs(PageArgs):
    source = fields.String(validate=CODE)
    status = fields.String(validate=validate.OneOf([s.value for s in RequestStatus]))


class RequestListItemSchema(RequestViewSchema):
    order_id = fields.String(required=True)
    channel = fields.String(required=True)


class RequestPageSchema(PageSchema):
    items = fields.List(fields.Nested(RequestListItemSchema), required=True)


class ShipSchema(Schema):
    carrier = fields.String(required=True, validate=validate.Length(1, 100))
    tracking = fields.String(
        required=True, validate=validate.Length(1, 100), metadata={"description": "tracking number"}
    )


class DeclineSchema(Schema):
    lines = fields.List(
        fields.Nested(LineQuantitySchema),
        validate=validate.Length(min=1, max=1000),
        metadata={"description": "only these lines; every open line of the request when absent"},
    )
    note = fields.String(validate=validate.Length(max=1000), metadata={"description": "why (kept in the history)"})


class StepDoneSchema(Schema):
    request_id = fields.Integer(required=True)
    request_status = fields.String(required=True)
    order_id = fields.String(required=True)
    channel = fields.String(required=True)
    order_status = fields.String(required=True)
    order_reason = fields.String(required=True, allow_none=True)
