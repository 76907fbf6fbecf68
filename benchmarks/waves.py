"""Waves against one-by-one sourcing: ``python -m benchmarks.waves [--orders N] [--sizes 20,50,200,500]``.

Two scenarios, each sourced one by one with ``optimal`` (the stream, each
order against what the previous left) and in consecutive waves of each size
(each wave against what the previous waves left):

- ``scarce``: the benchmark preset of that name (stock about equal to demand);
- ``restock``: the same orders waited as backorders; a delivery then brings
  the preset's stock to a seeded 40 % of the sources, and the waiting orders
  are re-sourced oldest first.

Per scenario and size: units filled, total cost, shipments; orders that a
wave left worse off than sourcing the same wave one by one (the guarantee:
none); wall time per wave (p50, p95, max; the one-by-one pass included), the
proven gap, and the ceiling: from the solver's proven bounds, the most any
plan of a wave could save on one by one (median and max over the waves;
unknown when a group was split by age).  ``--time-limit 60 --max-group 5000``
solves every wave whole to its proven optimum: the ceiling of waves.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import replace
from typing import Any

import numpy as np

from benchmarks.generator import generate
from sourcing_engine import Network, NetworkIndex, Order, consumed, source_stream
from sourcing_engine.wave import DEFAULT_MAX_GROUP, source_wave
from sourcing_engine.wave_plan import WavePlan

SIZES = (20, 50, 200, 500)
RESTOCK_SHARE = 0.4


def scenarios(orders: int, seed: int) -> dict[str, tuple[Network, list[Order]]]:
    instance = generate("scarce", seed, orders)
    rng = random.Random(seed)
    codes = [s.code for s in instance.network.sources]
    delivered = set(rng.sample(codes, max(1, round(RESTOCK_SHARE * len(codes)))))
    restocked = replace(instance.network, stock=[r for r in instance.network.stock if r.source in delivered])
    return {"scarce": (instance.network, instance.orders), "restock": (restocked, instance.orders)}


def one_by_one(network: Network, orders: list[Order]) -> dict[str, Any]:
    started = time.perf_counter()
    plans = list(source_stream(orders, NetworkIndex(network)))
    return {**_totals(plans), "seconds": round(time.perf_counter() - started, 2)}


def in_waves(
    network: Network, orders: list[Order], size: int, time_limit: float, max_group: int = DEFAULT_MAX_GROUP
) -> dict[str, Any]:
    index = NetworkIndex(network)
    plans, wave_ms, gaps, worse, proven = [], [], [], 0, 0
    joint_ms: list[float] = []
    ceilings: list[float | None] = []
    for start in range(0, len(orders), size):
        wave = source_wave(orders[start : start + size], index, time_limit=time_limit, max_group_size=max_group)
        for plan in wave.plans:
            index.take(consumed(plan))
        plans += wave.plans
        wave_ms.append(wave.stats.total_ms)
        joint_ms.append(wave.stats.total_ms - wave.stats.sequential_ms)
        gaps.append(wave.stats.gap)
        worse += len(wave.worse_off())
        proven += wave.stats.proven
        ceilings.append(_ceiling(wave))
    waves = len(wave_ms)
    return {
        **_totals(plans),
        "waves": waves,
        "orders_worse_off": worse,
        "wave_ms": _percentiles(wave_ms),
        "joint_ms": _percentiles(joint_ms),
        "gap_percent": {"median": round(100 * float(np.median(gaps)), 3), "max": round(100 * max(gaps), 3)},
        "waves_proven": proven,
        "time_limit": time_limit,
        "ceiling_percent": _spread(ceilings),
    }


def _ceiling(wave: WavePlan) -> float | None:
    """The most any plan of this wave could save on one by one, in %, from the solver's proven bounds.

    Unknown when a group was split by age: a chunk's bound holds for the chunk only.
    """
    seq = wave.sequential_totals.objective
    if seq <= 0 or any(g.split for g in wave.stats.groups):
        return None
    lowest = wave.totals.objective - sum(max(0.0, g.objective - g.bound) for g in wave.stats.groups)
    return 100 * (seq - lowest) / seq


def _spread(values: list[float | None]) -> dict[str, float] | None:
    known = [v for v in values if v is not None]
    if len(known) < len(values) or not known:
        return None
    return {"median": round(float(np.median(known)), 2), "max": round(max(known), 2)}


def _totals(plans: list) -> dict[str, Any]:
    return {
        "units": sum(p.filled_units for p in plans),
        "cost": round(sum(p.total_cost for p in plans), 2),
        "shipments": sum(len(p.physical_shipments) for p in plans),
    }


def _percentiles(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(float(np.percentile(values, 50)), 1),
        "p95": round(float(np.percentile(values, 95)), 1),
        "max": round(max(values), 1),
    }


def run(
    orders: int,
    seed: int,
    sizes: tuple[int, ...],
    max_group: int = DEFAULT_MAX_GROUP,
    time_limit: float | None = None,
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, (network, stream) in scenarios(orders, seed).items():
        base = one_by_one(network, stream)
        rows = {"one_by_one": base}
        for size in sizes:
            limit = time_limit or (2.0 if size <= 200 else 5.0)
            row = in_waves(network, stream, size, limit, max_group)
            row["saving_percent"] = round(100 * (base["cost"] - row["cost"]) / base["cost"], 2)
            row["more_units"] = row["units"] - base["units"]
            rows[f"waves_of_{size}"] = row
            print(name, size, json.dumps(row), flush=True)
        results[name] = rows
    return results


def to_markdown(results: dict[str, Any]) -> str:
    head = (
        "| scenario | sourcing | units | cost | vs one by one | shipments | worse off |"
        " wave ms p50 / p95 / max | joint ms p95 | gap median / max | proven | ceiling median / max |\n"
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    )
    rows = []
    for name, by in results.items():
        base = by["one_by_one"]
        blank = " |" * 7
        rows.append(f"| {name} | one by one | {base['units']} | {base['cost']:.2f} | | {base['shipments']} |{blank}")
        for key, r in by.items():
            if key == "one_by_one":
                continue
            w, j, g, c = r["wave_ms"], r["joint_ms"], r["gap_percent"], r.get("ceiling_percent")
            ceiling = f"{c['median']:.2f} % / {c['max']:.2f} %" if c else "split"
            rows.append(
                f"| {name} | {key.replace('_', ' ')} | {r['units']} ({r['more_units']:+d}) | {r['cost']:.2f} |"
                f" {r['saving_percent']:+.2f} % cheaper | {r['shipments']} | {r['orders_worse_off']} |"
                f" {w['p50']:.0f} / {w['p95']:.0f} / {w['max']:.0f} | {j['p95']:.0f} |"
                f" {g['median']:.2f} % / {g['max']:.2f} % | {r['waves_proven']}/{r['waves']} | {ceiling} |"
            )
    return head + "\n".join(rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--max-group", type=int, default=DEFAULT_MAX_GROUP, help="Largest group solved at once.")
    parser.add_argument(
        "--time-limit", type=float, help="Joint solving seconds per wave (default 2, 5 above 200 orders)."
    )
    parser.add_argument("--json", dest="json_path", help="Also write the results to this file.")
    args = parser.parse_args()
    sizes = tuple(int(s) for s in args.sizes.split(","))
    results = run(args.orders, args.seed, sizes, args.max_group, args.time_limit)
    if args.json_path:
        with open(args.json_path, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=2)
    print(to_markdown(results))


if __name__ == "__main__":
    main()
