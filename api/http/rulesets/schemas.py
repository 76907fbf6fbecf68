"""A channel's ruleset versions and activations; the bodies that post and activate them."""

from __future__ import annotations

import marshmallow as ma

from api.http.extensions import Schema
from oms.service.rulesets import MAX_NAME, MAX_RULES_TEXT

NAME = {"description": "the ruleset's name (default: the channel's own ruleset)"}


class NewVersionSchema(Schema):
    text = ma.fields.String(
        required=True,
        validate=ma.validate.Length(max=MAX_RULES_TEXT),
        metadata={"description": "rules text; it must check and compile"},
    )
    name = ma.fields.String(validate=ma.validate.Length(1, MAX_NAME), metadata=NAME)


class ActivateSchema(Schema):
    name = ma.fields.String(validate=ma.validate.Length(1, MAX_NAME), metadata=NAME)


class NameArgs(Schema):
    name = ma.fields.String(validate=ma.validate.Length(1, MAX_NAME), metadata=NAME)


class RulesetRefSchema(Schema):
    name = ma.fields.String(required=True)
    version = ma.fields.Integer(required=True)


class RulesetVersionSchema(Schema):
    name = ma.fields.String(required=True)
    version = ma.fields.Integer(required=True)
    checksum = ma.fields.String(required=True, metadata={"description": "SHA-256 of the text"})
    created_at = ma.fields.String(required=True, metadata={"description": "ISO 8601"})
    created_by = ma.fields.String(required=True)
    active = ma.fields.Boolean(required=True, metadata={"description": "the channel's active version"})
    text = ma.fields.String(metadata={"description": "only when one version is read"})


class RulesetVersionsSchema(Schema):
    channel = ma.fields.String(required=True)
    name = ma.fields.String(required=True, metadata={"description": "the channel's own ruleset name"})
    active = ma.fields.Nested(RulesetRefSchema, allow_none=True, required=True)
    versions = ma.fields.List(ma.fields.Nested(RulesetVersionSchema), required=True)


class ActivationSchema(Schema):
    name = ma.fields.String(allow_none=True, metadata={"description": "null: the channel was left without rules"})
    version = ma.fields.Integer(allow_none=True)
    activated_at = ma.fields.String()
    actor = ma.fields.String()


class HistorySchema(Schema):
    channel = ma.fields.String(required=True)
    activations = ma.fields.List(ma.fields.Nested(ActivationSchema), required=True)
