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
none); wall time per wave (p50, p95, max; the one-by-one pass included) and
the proven gap.
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
    }


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


def run(orders: int, seed: int, sizes: tuple[int, ...], max_group: int = DEFAULT_MAX_GROUP) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, (network, stream) in scenarios(orders, seed).items():
        base = one_by_one(network, stream)
        rows = {"one_by_one": base}
        for size in sizes:
            row = in_waves(network, stream, size, 2.0 if size <= 200 else 5.0, max_group)
            row["saving_percent"] = round(100 * (base["cost"] - row["cost"]) / base["cost"], 2)
            row["more_units"] = row["units"] - base["units"]
            rows[f"waves_of_{size}"] = row
            print(name, size, json.dumps(row), flush=True)
        results[name] = rows
    return results


def to_markdown(results: dict[str, Any]) -> str:
    head = (
        "| scenario | sourcing | units | cost | vs one by one | shipments | worse off |"
        " wave ms p50 / p95 / max | joint ms p95 | gap median / max | proven |\n"
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    )
    rows = []
    for name, by in results.items():
        base = by["one_by_one"]
        rows.append(f"| {name} | one by one | {base['units']} | {base['cost']:.2f} | | {base['shipments']} | | | | | |")
        for key, r in by.items():
            if key == "one_by_one":
                continue
            w, j, g = r["wave_ms"], r["joint_ms"], r["gap_percent"]
            rows.append(
                f"| {name} | {key.replace('_', ' ')} | {r['units']} ({r['more_units']:+d}) | {r['cost']:.2f} |"
                f" {r['saving_percent']:+.2f} % cheaper | {r['shipments']} | {r['orders_worse_off']} |"
                f" {w['p50']:.0f} / {w['p95']:.0f} / {w['max']:.0f} | {j['p95']:.0f} |"
                f" {g['median']:.2f} % / {g['max']:.2f} % | {r['waves_proven']}/{r['waves']} |"
            )
    return head + "\n".join(rows) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--max-group", type=int, default=DEFAULT_MAX_GROUP, help="Largest group solved at once.")
    parser.add_argument("--json", dest="json_path", help="Also write the results to this file.")
    args = parser.parse_args()
    results = run(args.orders, args.seed, tuple(int(s) for s in args.sizes.split(",")), args.max_group)
    if args.json_path:
        with open(args.json_path, "w", encoding="utf-8") as fh:
            json.dump(results, fh, indent=2)
    print(to_markdown(results))


if __name__ == "__main__":
    main()
