"""The engine benchmark: ``python -m benchmarks.sourcing [--orders N] [--seed S]``.

The `typical` preset (50 sources at US cities, Zipf SKUs, 1-8 lines, 20 %
of orders with a 2-3 line kit, 10 % pickup): per order, each strategy
against the full network; then the whole list as a stream through
``source_stream``, as ``oms source --orders`` does.  The full suite with the
exact optimum and plots is ``oms bench``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from rich.console import Console
from rich.table import Table

from benchmarks.generator import generate
from benchmarks.measure import summarize
from benchmarks.runner import no_progress, source_all
from sourcing_engine import NetworkIndex, source_stream

STRATEGIES = ("optimal", "priority", "distance")


def run(orders: int = 1000, seed: int = 1, preset: str = "typical") -> dict[str, Any]:
    instance = generate(preset, seed, orders)
    if instance.stream:
        raise ValueError("the engine benchmark sources each order against the full network: pick a non-stream preset")
    results: dict[str, Any] = {}
    for strategy in STRATEGIES:
        _, records, wall = source_all(instance, strategy, None, no_progress)
        results[strategy] = summarize(records, wall)
    index = NetworkIndex(instance.network)
    started = time.perf_counter()
    streamed = sum(1 for _ in source_stream(instance.orders, index, "optimal"))
    results["stream_orders_per_s"] = streamed / (time.perf_counter() - started)
    return results


def show(results: dict[str, Any], console: Console) -> None:
    table = Table(title="engine benchmark (typical preset, in process)")
    for column in ("strategy", "p50 ms", "p99 ms", "orders/s", "units filled", "total cost", "shipments/order"):
        table.add_column(column, justify="right")
    for strategy in STRATEGIES:
        s = results[strategy]
        table.add_row(strategy, f"{s['latency_ms']['p50']:.2f}", f"{s['latency_ms']['p99']:.2f}",
                      f"{s['orders_per_s']:.0f}", str(s["units_filled"]), f"{s['total_cost']:.2f}",
                      f"{s['shipments_per_order']:.3f}")
    console.print(table)
    rate = results["stream_orders_per_s"]
    console.print(f"optimal through source_stream (as `oms source --orders`): {rate:.0f} orders/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--preset", default="typical")
    args = parser.parse_args()
    show(run(args.orders, args.seed, args.preset), Console())


if __name__ == "__main__":
    main()
