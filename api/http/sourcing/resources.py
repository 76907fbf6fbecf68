"""``POST /v1/sourcing/simulate``: the plan an order would get now; nothing is placed or reserved.

Role: merchant (and admin).  The answer is the plan JSON of ``oms source``.
"""

from __future__ import annotations

from typing import Any

from api.http.auth import requires
from api.http.bodies import json_response
from api.http.catalog_guard import guard_values
from api.http.extensions import Blueprint, current_oms
from api.http.sourcing.access import order_channel_seen
from api.http.sourcing.schemas import PlanSchema, SimulationSchema
from oms.service import simulation

blp = guard_values(Blueprint("sourcing", __name__, url_prefix="/v1/sourcing", description="Sourcing simulations"))


@blp.route("/simulate", methods=["POST"])
@requires("merchant")
@blp.arguments(SimulationSchema)
@blp.response(200, PlanSchema)
def simulate(body: dict[str, Any]) -> Any:
    """Plan an order against the stored network and channel rules, or the given ones."""
    order_channel_seen(body["order"])
    plan = simulation.simulate(
        current_oms(), body["order"], body.get("strategy"), body.get("rules"), body.get("network")
    )
    return json_response(plan)
