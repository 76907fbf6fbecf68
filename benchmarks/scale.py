"""The `scale` preset: 200- and 1,000-source networks, orders of 1-8 and 20-50 lines.

    python -m benchmarks.scale                         # every cell, 40 orders each
    python -m benchmarks.scale --cells 1000/20-50 --orders 60
    python -m benchmarks.scale --variant base:sourcing_engine.prune.ENABLED=0 --variant pruned:

Per cell: ``load_network`` and ``NetworkIndex`` of the cell's network (median of three), then each order
sourced by ``optimal`` (twice, for determinism) and by the three greedy strategies, every plan validated,
and the independent HiGHS MIP (benchmarks/exact.py) with a long limit as the reference; its results are
cached under ``--out`` because they do not depend on the engine.  ``--variant NAME:module.ATTR=value,...``
runs the optimal pass once per variant in the same process, so that ideas are compared on the same
machine load (the machine is shared: compare variants of one run, not runs).
"""

from __future__ import annotations

import argparse
import importlib
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.exact import solve_exact
from benchmarks.generator import network_to_dict
from benchmarks.measure import plan_digest
from benchmarks.network_gen import make_catalogue, make_network, make_sources
from benchmarks.orders_gen import OrderMaker
from benchmarks.presets import SCALE_NETWORKS, SCALE_ORDER_COUNT, SCALE_ORDERS
from sourcing_engine import NetworkIndex, Order, source
from sourcing_engine.evaluate import COST_EPSILON
from sourcing_engine.ledger import StockLedger
from sourcing_engine.model import Network
from sourcing_engine.schemas import NetworkSchema, load_network
from sourcing_engine.schemas.fields import load
from sourcing_engine.validate import violations

CELLS = ("200/1-8", "200/20-50", "1000/1-8", "1000/20-50")
GREEDY = ("priority", "distance", "consolidating")


def scale_instance(sources: int, mix: str, seed: int, orders: int) -> tuple[Network, list[Order]]:
    """The cell's network (the same for both order mixes) and its orders."""
    params = SCALE_NETWORKS[sources]
    nodes = make_sources(params, seed)
    catalogue = make_catalogue(params, seed)
    network = make_network(params, seed, nodes, catalogue, params.horizon_orders or params.orders)
    maker = OrderMaker(replace(params, **SCALE_ORDERS[mix]), seed, nodes, catalogue)  # type: ignore[arg-type]
    return network, maker.orders(orders)


def time_load(network: Network, repeats: int = 3) -> dict[str, float]:
    """Median wall and CPU milliseconds of loading the network's JSON, through the schema and as shipped."""
    doc = network_to_dict(network)
    figures: dict[str, list[float]] = {}

    def timed(name: str, work: Any) -> Any:
        t0, c0 = time.perf_counter(), time.process_time()
        out = work()
        figures.setdefault(f"{name}_ms", []).append((time.perf_counter() - t0) * 1000)
        figures.setdefault(f"{name}_cpu_ms", []).append((time.process_time() - c0) * 1000)
        return out

    for _ in range(repeats):
        timed("schema_path", lambda: load(NetworkSchema(), doc))  # every object through marshmallow, as before
        loaded = timed("load_network", lambda: load_network(doc))
        timed("network_index", lambda loaded=loaded: NetworkIndex(loaded))
    return {"stock_rows": len(doc["stock"]), **{k: float(np.median(v)) for k, v in figures.items()}}


def apply_settings(settings: dict[str, str]) -> dict[str, Any]:
    """Set ``module.ATTR`` to a literal; returns the previous values to restore."""
    previous = {}
    for key, raw in settings.items():
        module, attr = key.rsplit(".", 1)
        mod = importlib.import_module(module)
        previous[key] = getattr(mod, attr)
        setattr(mod, attr, json.loads(raw))
    return previous


def restore(previous: dict[str, Any]) -> None:
    for key, value in previous.items():
        module, attr = key.rsplit(".", 1)
        setattr(importlib.import_module(module), attr, value)


def optimal_pass(index: NetworkIndex, orders: list[Order], time_limit: float | None) -> list[dict[str, Any]]:
    out = []
    for order in orders:
        t0, c0 = time.perf_counter(), time.process_time()
        plan = source(order, index, "optimal", time_limit=time_limit)
        ms = (time.perf_counter() - t0) * 1000
        out.append(
            {
                "ms": ms,
                "cpu_ms": (time.process_time() - c0) * 1000,
                "optimal": plan.optimal,
                "objective": plan.objective,
                "filled": plan.filled_units,
                "path": plan.stats.path,
                "digest": plan_digest(plan),
                "limit": plan.stats.hit_time_limit,
                "build_ms": plan.stats.build_ms,
                "solve_ms": plan.stats.solve_ms,
                "plan": plan,
            }
        )
    return out


def greedy_pass(index: NetworkIndex, orders: list[Order]) -> dict[str, list[tuple[float, float, int, float]]]:
    out: dict[str, list[tuple[float, float, int, float]]] = {}
    for strategy in GREEDY:
        rows = []
        for order in orders:
            t0, c0 = time.perf_counter(), time.process_time()
            plan = source(order, index, strategy)
            ms, cpu = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
            rows.append((ms, plan.objective, plan.filled_units, cpu))
        out[strategy] = rows
    return out


def exact_results(key: str, network: Network, orders: list[Order], limit: float, cache: Path) -> list[dict]:
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"scale-exact-{key}-{limit:g}s.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    ledger = StockLedger(network)
    for order in orders:
        if order.id not in known:
            r = solve_exact(order, ledger, None, limit)
            known[order.id] = {"objective": r.objective, "fill": r.fill, "proven": r.proven, "ms": r.ms}
            path.write_text(json.dumps(known))
    return [known[o.id] for o in orders]


def summarize_optimal(
    runs: list[list[dict]], exact: list[dict] | None, greedy: dict, network: Network, orders: list[Order]
) -> dict[str, Any]:
    first, second = runs[0], runs[-1]
    ms = np.array([r["ms"] for r in first[1:] or first])  # the first call is a cold start
    cpu = np.array([r["cpu_ms"] for r in first[1:] or first])
    ledger = StockLedger(network)
    summary: dict[str, Any] = {
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "p99_ms": float(np.percentile(ms, 99)),
        "max_ms": float(ms.max()),
        "cpu_p50_ms": float(np.percentile(cpu, 50)),
        "cpu_p99_ms": float(np.percentile(cpu, 99)),
        "cpu_max_ms": float(cpu.max()),
        "unproven": sum(1 for r in first if not r["optimal"]),
        "orders": len(first),
        "paths": {p: sum(1 for r in first if r["path"] == p) for p in sorted({r["path"] for r in first})},
        "build_ms_mean": float(np.mean([r["build_ms"] for r in first])),
        "solve_ms_mean": float(np.mean([r["solve_ms"] for r in first])),
        "plans_differing_between_runs": sum(
            1 for a, b in zip(first, second, strict=True) if a["digest"] != b["digest"]
        ),
        "differing_where_both_proven": sum(
            1
            for a, b in zip(first, second, strict=True)
            if a["digest"] != b["digest"] and a["optimal"] and b["optimal"]
        ),
        "invalid_plans": sum(1 for r, o in zip(first, orders, strict=True) if violations(r["plan"], o, ledger)),
    }
    worse = 0
    for i, r in enumerate(first):
        best = min((-g[i][2], g[i][1]) for g in greedy.values())
        if (-r["filled"], r["objective"]) > (best[0], best[1] + COST_EPSILON):
            worse += 1
    summary["worse_than_best_greedy"] = worse
    if exact is not None:
        gaps = [
            (r["objective"] - e["objective"]) / max(abs(e["objective"]), 1e-9) * 100
            for r, e in zip(first, exact, strict=True)
            if e["proven"] and e["fill"] == r["filled"]
        ]
        summary["exact_proven"] = sum(1 for e in exact if e["proven"])
        summary["exact_p50_ms"] = float(np.median([e["ms"] for e in exact]))
        summary["exact_max_ms"] = float(max(e["ms"] for e in exact))
        summary["fill_differs_from_exact"] = sum(
            1 for r, e in zip(first, exact, strict=True) if e["proven"] and e["fill"] != r["filled"]
        )
        summary["above_exact"] = sum(1 for g in gaps if g > 1e-6)
        summary["gap_mean_pct"] = float(np.mean(gaps)) if gaps else 0.0
        summary["gap_max_pct"] = float(max(gaps)) if gaps else 0.0
    return summary


def greedy_latency(greedy: dict) -> dict[str, dict[str, float]]:
    out = {}
    for name, rows in greedy.items():
        ms, cpu = np.array([r[0] for r in rows[1:]]), np.array([r[3] for r in rows[1:]])
        out[name] = {
            "p50_ms": float(np.percentile(ms, 50)),
            "p99_ms": float(np.percentile(ms, 99)),
            "cpu_p50_ms": float(np.percentile(cpu, 50)),
            "cpu_p99_ms": float(np.percentile(cpu, 99)),
        }
    return out


def run_cell(
    cell: str, seed: int, count: int, variants: dict[str, dict[str, str]], args: argparse.Namespace
) -> dict[str, Any]:
    sources, mix = cell.split("/")
    network, orders = scale_instance(int(sources), mix, seed, count)
    result: dict[str, Any] = {"cell": cell, "load": time_load(network)}
    index = NetworkIndex(network)
    greedy = greedy_pass(index, orders)
    result["greedy"] = greedy_latency(greedy)
    exact = (
        None
        if args.no_exact
        else exact_results(f"{sources}-{mix}-{seed}-{count}", network, orders, args.exact_limit, args.out)
    )
    result["variants"] = {}
    for name, settings in variants.items():
        previous = apply_settings(settings)
        try:
            runs = [optimal_pass(index, orders, args.time_limit) for _ in range(2)]
        finally:
            restore(previous)
        result["variants"][name] = summarize_optimal(runs, exact, greedy, network, orders)
        print(f"{cell} {name}: " + json.dumps(result["variants"][name]), flush=True)
    return result


def parse_variant(text: str) -> tuple[str, dict[str, str]]:
    name, _, rest = text.partition(":")
    settings = dict(item.split("=", 1) for item in rest.split(",") if item)
    return name, settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", nargs="*", default=list(CELLS), choices=CELLS)
    parser.add_argument("--orders", type=int, default=SCALE_ORDER_COUNT)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=None, help="source()'s limit (default: the engine's)")
    parser.add_argument("--exact-limit", type=float, default=60.0, help="seconds per order for the reference MIP")
    parser.add_argument("--no-exact", action="store_true")
    parser.add_argument("--variant", action="append", default=[], help="NAME:module.ATTR=json,...")
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    args = parser.parse_args()
    variants = dict(parse_variant(v) for v in args.variant) or {"engine": {}}
    results = [run_cell(cell, args.seed, args.orders, variants, args) for cell in args.cells]
    for r in results:
        print(json.dumps({"cell": r["cell"], "load": r["load"], "greedy": r["greedy"]}))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "scale.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
