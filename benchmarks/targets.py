"""The performance targets, checked against a run (reported, never asserted in tests)."""

from __future__ import annotations

from typing import Any

from benchmarks.runner import STRATEGIES, PresetRun

TIME_LIMIT_MS = 1000.0  # the engine's default time limit per order


def targets(runs: list[PresetRun]) -> list[dict[str, Any]]:
    ran = [r for r in runs if r.skipped is None]
    out = [_equals_exact(ran), _never_worse(ran)]
    by_name = {r.name: r for r in ran}
    if "typical" in by_name:
        out += _typical(by_name["typical"])
    if "large" in by_name:
        out += _large(by_name["large"])
    return out


def _equals_exact(runs: list[PresetRun]) -> dict[str, Any]:
    both = [d for r in runs for d in r.quality["optimal"]["disagreements"]]
    compared = sum(r.quality["optimal"]["compared_orders"] for r in runs)
    off = [d for d in both if d["engine_proven"]]
    limited = [d for d in both if not d["engine_proven"]]
    result = f"{compared - len(both)}/{compared} orders agree"
    if limited:
        result += f"; {len(limited)} more where optimal hit its time limit (not counted: it did not finish)"
    return {"target": "optimal equals the exact optimum wherever both finish", "result": result, "met": not off}


def _never_worse(runs: list[PresetRun]) -> dict[str, Any]:
    worse = []
    for run in runs:
        for strategy in STRATEGIES[1:]:
            q = run.quality[strategy]
            n = q.get("orders_filling_more_than_optimal", 0) + q.get("orders_cheaper_than_optimal_at_equal_fill", 0)
            if n:
                worse.append(f"{run.name}/{strategy}: {n}")
            if run.stream and (q["units_vs_optimal"] > 0 or (q["units_vs_optimal"] == 0 and q["cost_vs_optimal"] < 1)):
                worse.append(f"{run.name}/{strategy}: stream totals")
    return {"target": "optimal never worse than any greedy (per order; streams: totals)",
            "result": "; ".join(worse) if worse else "never worse", "met": not worse}


def _typical(run: PresetRun) -> list[dict[str, Any]]:
    s = run.summary["optimal"]
    lat = s["latency_ms"]
    fills = {k: run.summary[k]["units_filled"] for k in STRATEGIES}
    costs = ", ".join(f"{k} x{run.quality[k]['cost_vs_optimal']:.3f}" for k in STRATEGIES[1:])
    return [
        {"target": "typical: optimal p50 <= 3 ms", "result": f"{lat['p50']:.2f} ms", "met": lat["p50"] <= 3},
        {"target": "typical: optimal p99 <= 30 ms", "result": f"{lat['p99']:.2f} ms", "met": lat["p99"] <= 30},
        {"target": "typical: >= 300 orders/s in one process", "result": f"{s['orders_per_s']:.0f} orders/s",
         "met": s["orders_per_s"] >= 300},
        {"target": "typical: fill >= every greedy", "result": ", ".join(f"{k} {v}" for k, v in fills.items()),
         "met": all(fills["optimal"] >= v for v in fills.values())},
        {"target": "typical: greedy cost relative to optimal (reported)", "result": costs, "met": True},
    ]


def _large(run: PresetRun) -> list[dict[str, Any]]:
    s = run.summary["optimal"]
    worst = max(s["latency_ms"]["max"], s["cold_start_ms"])
    return [
        {"target": "large: every order answered within the time limit (1 s)", "result": f"max {worst:.0f} ms",
         "met": worst <= TIME_LIMIT_MS},
        {"target": "large: time-limit / fallback rate (reported)",
         "result": f"{100 * s['time_limit_share']:.1f} % hit the limit, {100 * s['fallback_share']:.1f} % fell back",
         "met": True},
    ]
