"""``/v1/rules``: check and format rules text, and explain what it does to one order (nothing is stored).

Roles: merchant and support (and admin).  Explaining against the stored
network needs a key that sees the order's channel.
"""

from __future__ import annotations

from typing import Any

from api.http.auth import requires
from api.http.bodies import json_response
from api.http.catalog_guard import guard_values
from api.http.extensions import Blueprint, current_oms
from api.http.rules.schemas import CheckedSchema, CheckSchema, ExplainSchema, ExplanationSchema, FormattedSchema
from api.http.sourcing.access import order_channel_seen
from oms.service import rules_text, simulation

blp = guard_values(Blueprint("rules", __name__, url_prefix="/v1/rules", description="Rules text: check and explain"))


@blp.route("/check", methods=["POST"])
@requires("merchant", "support")
@blp.arguments(CheckSchema)
@blp.response(200, CheckedSchema)
def check(body: dict[str, Any]) -> dict[str, Any]:
    """Every problem in rules text, each with its line and column (valid: no problem)."""
    return rules_text.check_rules(body["text"], "rules").to_dict()


@blp.route("/fmt", methods=["POST"])
@requires("merchant", "support")
@blp.arguments(CheckSchema)
@blp.response(200, FormattedSchema)
def fmt(body: dict[str, Any]) -> dict[str, Any]:
    """The text in the canonical formatting of oms rules fmt (422 with the syntax errors at line and column)."""
    text = rules_text.formatted(body["text"])
    return {"text": text, "changed": text != body["text"]}


@blp.route("/explain", methods=["POST"])
@requires("merchant", "support")
@blp.arguments(ExplainSchema)
@blp.response(200, ExplanationSchema)
def explain(body: dict[str, Any]) -> Any:
    """Which rules match the order, what each does to its plan (the answer of oms rules explain --json)."""
    order_channel_seen(body["order"])
    oms = current_oms()
    return json_response(
        simulation.explain_rules(oms, body["rules"], body["order"], body.get("network"), body["strategy"])
    )
