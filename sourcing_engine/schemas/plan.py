"""Plans to and from the contract's JSON."""

from __future__ import annotations

from typing import Any, get_args

from marshmallow import EXCLUDE, Schema, post_load

from sourcing_engine.plan import Backorder, Plan, PlannedLine, Shipment, Unsourced, UnsourcedReason
from sourcing_engine.schemas.fields import Strict, boolean, choice, code, integer, listing, load, nested, number, text


class PlannedLineSchema(Strict):
    line_id = code(required=True)
    sku = code(required=True)
    quantity = integer(1, "must be a positive integer", required=True)

    @post_load
    def make(self, data: dict, **_: Any) -> PlannedLine:
        return PlannedLine(**data)


class ShipmentSchema(Strict):
    source = code(required=True)
    kind = choice("ship", "pickup", "ship_to_store", "virtual", "preshipped", required=True)
    destination = code(required=True)
    lines = listing(nested(PlannedLineSchema), required=True)
    cost = number(required=True)
    distance_km = number(load_default=0.0)

    @post_load
    def make(self, data: dict, **_: Any) -> Shipment:
        return Shipment(**{**data, "lines": tuple(data["lines"])})


class BackorderSchema(Strict):
    line_id = code(required=True)
    sku = code(required=True)
    quantity = integer(1, "must be a positive integer", required=True)

    @post_load
    def make(self, data: dict, **_: Any) -> Backorder:
        return Backorder(**data)


class UnsourcedSchema(BackorderSchema):
    reason = choice(*get_args(UnsourcedReason), required=True)
    rules = listing(text(), load_default=list)

    @post_load
    def make(self, data: dict, **_: Any) -> Unsourced:
        return Unsourced(**{**data, "rules": tuple(data["rules"])})


class PlanSchema(Schema):
    """Loads a plan's JSON; unknown fields (``stats`` and later additions) are ignored."""

    class Meta:
        unknown = EXCLUDE

    order_id = code(required=True)
    strategy = text(required=True)
    optimal = boolean(required=True)
    shipments = listing(nested(ShipmentSchema), required=True)
    backorders = listing(nested(BackorderSchema), load_default=list)
    unsourced = listing(nested(UnsourcedSchema), load_default=list)
    hold = text(load_default=None, allow_none=True)
    explanation = listing(text(), load_default=list)
    total_cost = number(load_default=None)
    objective = number(load_default=None)
    cost_resolution = number(load_default=None, allow_none=True)

    @post_load
    def make(self, data: dict, **_: Any) -> Plan:
        total, objective = data.pop("total_cost"), data.pop("objective")
        plan = Plan(**data)
        if objective is not None and total is not None:
            plan.rule_adjustment = objective - total
        return plan


def load_plan(doc: Any) -> Plan:
    return load(PlanSchema(), doc)


def plan_to_dict(plan: Plan, with_stats: bool = False) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "order_id": plan.order_id,
        "strategy": plan.strategy,
        "optimal": plan.optimal,
        "shipments": [
            {
                "source": s.source,
                "kind": s.kind,
                "destination": s.destination,
                "lines": [{"line_id": ln.line_id, "sku": ln.sku, "quantity": ln.quantity} for ln in s.lines],
                "cost": _money(s.cost),
                "distance_km": round(s.distance_km, 3),
            }
            for s in plan.shipments
        ],
        "backorders": [{"line_id": b.line_id, "sku": b.sku, "quantity": b.quantity} for b in plan.backorders],
        "unsourced": [
            {
                "line_id": u.line_id,
                "sku": u.sku,
                "quantity": u.quantity,
                "reason": u.reason,
                **({"rules": list(u.rules)} if u.rules else {}),
            }
            for u in plan.unsourced
        ],
        "total_cost": _money(plan.total_cost),
        "objective": _money(plan.objective),
        "hold": plan.hold,
        "explanation": list(plan.explanation),
        "cost_resolution": plan.cost_resolution,
    }
    if with_stats:
        stats = plan.stats
        doc["stats"] = {
            "path": stats.path,
            "candidate_sources": stats.candidate_sources,
            "modelled_sources": stats.modelled_sources,
            "variables": stats.variables,
            "build_ms": round(stats.build_ms, 3),
            "solve_ms": round(stats.solve_ms, 3),
            "total_ms": round(stats.total_ms, 3),
            "fallback": stats.fallback,
            "hit_time_limit": stats.hit_time_limit,
        }
    return doc


def _money(value: float) -> float:
    """Six decimals: exact enough to recompute, free of float noise."""
    return round(value, 6) + 0.0
