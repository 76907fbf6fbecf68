"""What one strategy did on one order, and the figures a list of those adds up to."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from sourcing_engine import Order, Plan
from sourcing_engine.schemas import plan_to_dict

PERCENTILES = (50, 95, 99)


@dataclass(slots=True)
class Record:
    order_id: str
    lines: int
    units: int  # ordered units of physical lines
    filled: int
    cost: float
    objective: float
    shipments: int  # physical shipments
    latency_ms: float  # wall time of ``source`` seen by the caller
    rules_ms: float
    build_ms: float
    solve_ms: float
    path: str
    optimal: bool
    hit_time_limit: bool
    fallback: bool
    digest: str  # hash of the plan's JSON, for determinism

    @property
    def other_ms(self) -> float:
        """Problem setup, greedy plans, bounds and plan extraction: all but rules, model building and solving."""
        return max(0.0, self.latency_ms - self.rules_ms - self.build_ms - self.solve_ms)


def record(order: Order, plan: Plan, latency_ms: float, physical_units: int) -> Record:
    stats = plan.stats
    return Record(
        order_id=order.id, lines=len(order.lines), units=physical_units, filled=plan.filled_units,
        cost=plan.total_cost, objective=plan.objective, shipments=len(plan.physical_shipments),
        latency_ms=latency_ms, rules_ms=stats.rules_ms, build_ms=stats.build_ms, solve_ms=stats.solve_ms,
        path=stats.path, optimal=plan.optimal, hit_time_limit=stats.hit_time_limit, fallback=stats.fallback,
        digest=plan_digest(plan),
    )


def plan_digest(plan: Plan) -> str:
    doc = plan_to_dict(plan)
    doc.pop("explanation", None)  # wording may mention solve times
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:16]


def summarize(records: list[Record], wall_s: float) -> dict[str, Any]:
    """Every figure of one strategy over one preset (the cold first call excluded from latency)."""
    if not records:
        return {}
    cold, warm = records[0], records[1:] or records
    lat = np.array([r.latency_ms for r in warm])
    shipped = [r for r in records if r.shipments]
    total_shipments = sum(r.shipments for r in records)
    return {
        "orders": len(records),
        "units_ordered": sum(r.units for r in records),
        "units_filled": sum(r.filled for r in records),
        "orders_filled": sum(1 for r in records if r.filled == r.units),
        "total_cost": sum(r.cost for r in records),
        "total_objective": sum(r.objective for r in records),
        "shipments": total_shipments,
        "shipments_per_order": total_shipments / len(records),
        "extra_shipments": total_shipments - len(shipped),
        "split_share": sum(1 for r in records if r.shipments > 1) / len(records),
        "latency_ms": {
            **{f"p{p}": float(np.percentile(lat, p)) for p in PERCENTILES},
            "max": float(lat.max()), "mean": float(lat.mean()),
        },
        "breakdown_ms_mean": {
            "rules": _mean(warm, "rules_ms"), "build": _mean(warm, "build_ms"),
            "solve": _mean(warm, "solve_ms"), "other": float(np.mean([r.other_ms for r in warm])),
        },
        "cold_start_ms": cold.latency_ms,
        "orders_per_s": len(records) / wall_s if wall_s > 0 else float("nan"),
        "time_limit_share": sum(r.hit_time_limit for r in records) / len(records),
        "fallback_share": sum(r.fallback for r in records) / len(records),
        "not_proven": sum(1 for r in records if not r.optimal),
        "paths": _counts([r.path for r in records]),
    }


def _mean(records: list[Record], field: str) -> float:
    return float(np.mean([getattr(r, field) for r in records]))


def _counts(values: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))


def as_dict(r: Record) -> dict[str, Any]:
    return asdict(r)
