"""Rules text checked, formatted or explained on its own: the answers of ``oms rules check|fmt|explain --json``."""

from __future__ import annotations

import marshmallow as ma

from api.http.extensions import Schema
from oms.service.rulesets import MAX_RULES_TEXT
from sourcing_engine import STRATEGIES
from sourcing_engine.schemas import PlanSchema

RULES_TEXT = {"validate": ma.validate.Length(max=MAX_RULES_TEXT)}


class CheckSchema(Schema):
    text = ma.fields.String(required=True, metadata={"description": "rules text"}, **RULES_TEXT)


class FormattedSchema(Schema):
    text = ma.fields.String(required=True, metadata={"description": "the text in the canonical formatting"})
    changed = ma.fields.Boolean(required=True, metadata={"description": "false: the text was already formatted"})


class DiagnosticSchema(Schema):
    file = ma.fields.String()
    line = ma.fields.Integer()
    column = ma.fields.Integer()
    message = ma.fields.String()
    text = ma.fields.String(metadata={"description": "FILE:LINE:COL: message"})


class RulesetSummarySchema(Schema):
    name = ma.fields.String()
    version = ma.fields.Integer()
    rules = ma.fields.Integer(metadata={"description": "number of rules"})


class CheckedSchema(Schema):
    valid = ma.fields.Boolean(required=True)
    diagnostics = ma.fields.List(ma.fields.Nested(DiagnosticSchema), required=True)
    ruleset = ma.fields.Nested(RulesetSummarySchema, allow_none=True)


class ExplainSchema(Schema):
    rules = ma.fields.String(required=True, metadata={"description": "rules text"}, **RULES_TEXT)
    order = ma.fields.Raw(required=True, metadata={"description": "an order as POST /v1/orders takes it"})
    network = ma.fields.Raw(
        allow_none=True, metadata={"description": "the engine's network document (default: the stored network)"}
    )
    strategy = ma.fields.String(load_default="optimal", metadata={"enum": list(STRATEGIES)})


class MatchedRuleSchema(Schema):
    rule = ma.fields.String()
    line = ma.fields.Integer(metadata={"description": "where the rule starts in the text"})
    lines = ma.fields.List(ma.fields.String(), allow_none=True, metadata={"description": "null: the whole order"})
    effects = ma.fields.List(ma.fields.String())
    without_it = ma.fields.String(metadata={"description": "the plan without this rule, in words"})
    plan_without_it = ma.fields.Nested(PlanSchema)


class SettingSchema(Schema):
    setting = ma.fields.String()
    value = ma.fields.String()
    rule = ma.fields.String(data_key="from")


class ExplanationSchema(Schema):
    ruleset = ma.fields.Nested(RulesetSummarySchema)
    order_id = ma.fields.String()
    lines = ma.fields.Integer()
    strategy = ma.fields.String()
    matched = ma.fields.List(ma.fields.Nested(MatchedRuleSchema))
    unmatched = ma.fields.List(ma.fields.String())
    settings = ma.fields.List(ma.fields.Nested(SettingSchema))
    plan = ma.fields.Nested(PlanSchema)
    plan_without_rules = ma.fields.Nested(PlanSchema)
