"""Webhook subscription documents."""

from __future__ import annotations

from marshmallow import fields, validate

from api.http.extensions import Schema


class NewWebhookSchema(Schema):
    url = fields.String(required=True, validate=validate.Length(1, 2048))
    events = fields.List(fields.String(validate=validate.Length(1, 64)), required=True, validate=validate.Length(1, 50))
    secret = fields.String(required=True, validate=validate.Length(16, 200), load_only=True)
    channel = fields.String(validate=validate.Length(1, 64), allow_none=True, load_default=None)


class WebhookSchema(Schema):
    webhook_id = fields.Integer(required=True)
    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True)
    channel = fields.String(required=True, allow_none=True)
    active = fields.Boolean()


class WebhookListSchema(Schema):
    items = fields.List(fields.Nested(WebhookSchema), required=True)
