"""How good each strategy's plans are: against the exact optimum, its LP bound, and each other.

Orders compare one to one where every strategy saw the same stock (each order
against the full network); in a stream each strategy's stock drifts apart
from the others', so only ``optimal`` (whose stock the MIP saw) compares per
order, and the greedy strategies compare on the stream's totals.
"""

from __future__ import annotations

from typing import Any

from benchmarks.exact import ExactResult
from benchmarks.measure import Record

# Objectives within this (relative, at least absolute for small ones) are equal: solver rounding, not money.
TOLERANCE = 1e-4


def same(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))


def _below(a: float, b: float) -> bool:
    """``a`` is strictly less than ``b`` beyond rounding."""
    return a < b and not same(a, b)


def compare(records: dict[str, list[Record]], exact: list[ExactResult], stream: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"exact": _exact_summary(exact)}
    optimal = records["optimal"]
    for strategy, recs in records.items():
        entry: dict[str, Any] = {}
        if strategy == "optimal" or not stream:
            entry.update(_against_exact(recs, exact))
        if strategy != "optimal":
            entry.update(_against_optimal(recs, optimal, stream))
        out[strategy] = entry
    out["optimal"]["disagreements"] = _disagreements(optimal, exact)
    return out


def _exact_summary(exact: list[ExactResult]) -> dict[str, Any]:
    times = sorted(e.ms for e in exact)
    return {
        "orders": len(exact),
        "proven": sum(e.proven for e in exact),
        "units_filled": sum(e.fill for e in exact),
        "total_cost": sum(e.cost for e in exact),
        "total_objective": sum(e.objective for e in exact),
        "lp_bound": sum(e.lp_bound for e in exact),
        "ms_p50": times[len(times) // 2] if times else 0.0,
        "ms_max": times[-1] if times else 0.0,
    }


def _against_exact(recs: list[Record], exact: list[ExactResult]) -> dict[str, Any]:
    pairs = [(r, e) for r, e in zip(recs, exact, strict=True) if e.proven]
    equal = [(r, e) for r, e in pairs if r.filled == e.fill]
    objective = sum(r.objective for r, _ in equal)
    best = sum(e.objective for _, e in equal)
    lp = sum(e.lp_bound for _, e in equal)
    return {
        "compared_orders": len(pairs),
        "orders_below_exact_fill": sum(1 for r, e in pairs if r.filled < e.fill),
        "orders_above_exact_fill": sum(1 for r, e in pairs if r.filled > e.fill),
        "units_below_exact": sum(max(0, e.fill - r.filled) for r, e in pairs),
        "orders_costlier_than_exact": sum(1 for r, e in equal if _below(e.objective, r.objective)),
        "orders_cheaper_than_exact": sum(1 for r, e in equal if _below(r.objective, e.objective)),
        "gap_to_exact_pct": 100 * (objective - best) / best if best else 0.0,
        "gap_to_lp_pct": 100 * (objective - lp) / lp if lp else 0.0,
    }


def _against_optimal(recs: list[Record], optimal: list[Record], stream: bool) -> dict[str, Any]:
    total = sum(r.cost for r in recs)
    best = sum(r.cost for r in optimal)
    entry: dict[str, Any] = {
        "cost_vs_optimal": total / best if best else float("nan"),
        "units_vs_optimal": sum(r.filled for r in recs) - sum(r.filled for r in optimal),
    }
    if not stream:
        pairs = list(zip(recs, optimal, strict=True))
        entry["orders_filling_more_than_optimal"] = sum(1 for g, o in pairs if g.filled > o.filled)
        entry["orders_cheaper_than_optimal_at_equal_fill"] = sum(
            1 for g, o in pairs if g.filled == o.filled and _below(g.objective, o.objective)
        )
        entry["orders_optimal_strictly_better"] = sum(
            1 for g, o in pairs
            if o.filled > g.filled or (o.filled == g.filled and _below(o.objective, g.objective))
        )
    return entry


def _disagreements(optimal: list[Record], exact: list[ExactResult]) -> list[dict[str, Any]]:
    out = []
    for r, e in zip(optimal, exact, strict=True):
        if e.proven and (r.filled != e.fill or not same(r.objective, e.objective)):
            out.append({"order": r.order_id, "engine_fill": r.filled, "exact_fill": e.fill,
                        "engine_objective": r.objective, "exact_objective": e.objective, "engine_path": r.path,
                        "engine_proven": r.optimal})
    return out
