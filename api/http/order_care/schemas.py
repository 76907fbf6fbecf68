"""Request and response documents of comments, manual holds and remorse releases."""

from __future__ import annotations

from marshmallow import fields, validate

from api.http.extensions import Schema
from oms.domain.comments import VISIBILITIES
from oms.domain.holds import HOLD_REASONS
from oms.limits import MAX_COMMENT, MAX_NOTE


class NewCommentSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(1, MAX_COMMENT))
    visibility = fields.String(load_default="internal", validate=validate.OneOf(VISIBILITIES))


class CommentSchema(Schema):
    comment_id = fields.Integer(required=True)
    author = fields.String(required=True)
    visibility = fields.String(required=True)
    text = fields.String(required=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})


class CommentListSchema(Schema):
    items = fields.List(fields.Nested(CommentSchema), required=True)


class HoldSchema(Schema):
    reason = fields.String(
        required=True,
        validate=validate.OneOf(list(HOLD_REASONS)),
        metadata={"description": "hold reason code: " + ", ".join(HOLD_REASONS)},
    )
    note = fields.String(validate=validate.Length(1, MAX_NOTE), metadata={"description": "why, in your words"})


class HeldSchema(Schema):
    order_id = fields.String(required=True)
    channel = fields.String(required=True)
    status = fields.String(required=True)
    reason = fields.String(required=True, allow_none=True)
    units_taken_back = fields.Integer(required=True, metadata={"description": "reserved units given back"})


class ReleasedDueSchema(Schema):
    released = fields.List(fields.String(), required=True, metadata={"description": "channel/order id"})
