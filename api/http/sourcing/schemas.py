"""A sourcing simulation: the order, and optionally the strategy, rules text and network to plan it with."""

from __future__ import annotations

import marshmallow as ma

from api.http.extensions import Schema
from oms.service.rulesets import MAX_RULES_TEXT
from sourcing_engine import STRATEGIES
from sourcing_engine.schemas import PlanSchema

__all__ = ["PlanSchema", "SimulationSchema"]


class SimulationSchema(Schema):
    order = ma.fields.Raw(required=True, metadata={"description": "an order as POST /v1/orders takes it"})
    strategy = ma.fields.String(metadata={"description": "default: the channel's strategy", "enum": list(STRATEGIES)})
    rules = ma.fields.String(
        validate=ma.validate.Length(max=MAX_RULES_TEXT),
        metadata={"description": "rules text to plan with instead of the channel's active ruleset"},
    )
    network = ma.fields.Raw(metadata={"description": "the engine's network document instead of the stored one"})
