"""Orders of 100 and 1,000 lines on a 5,000-source network: answered within the limit, in bounded memory.

    python -m benchmarks.scale_huge                  # 100 and 1,000 lines, 3 orders each, default limit
    python -m benchmarks.scale_huge --lines 1000 --orders 1 --time-limit 2

Each order size runs in its own process, so that its peak memory (``ru_maxrss``) is its own: the
figure includes the interpreter, the network and its index (reported apart as ``rss_before_mb``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from dataclasses import replace

from benchmarks.network_gen import make_catalogue, make_network, make_sources
from benchmarks.orders_gen import OrderMaker
from benchmarks.presets import Params
from sourcing_engine import NetworkIndex, source

HUGE_NETWORK = Params(
    warehouses=20,
    stores=4960,
    dropshippers=20,
    skus=3000,
    store_assortment=0.01,
    horizon_orders=20000,
    bundle_lines=(2, 4),
)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one_size(lines: int, orders: int, seed: int, time_limit: float | None) -> dict:
    sources = make_sources(HUGE_NETWORK, seed)
    catalogue = make_catalogue(HUGE_NETWORK, seed)
    network = make_network(HUGE_NETWORK, seed, sources, catalogue, HUGE_NETWORK.horizon_orders or 1)
    maker = OrderMaker(replace(HUGE_NETWORK, large_share=1.0, large_lines=(lines, lines)), seed, sources, catalogue)
    batch = maker.orders(orders)
    index = NetworkIndex(network)
    before = peak_mb()
    results = []
    for order in batch:
        t0 = time.perf_counter()
        plan = source(order, index, time_limit=time_limit)
        results.append(
            {
                "lines": len(order.lines),
                "ms": (time.perf_counter() - t0) * 1000,
                "optimal": plan.optimal,
                "path": plan.stats.path,
                "filled": plan.filled_units,
                "objective": plan.objective,
                "why": [n for n in plan.explanation if "limit" in n or "too large" in n or "solver" in n][:2],
            }
        )
    return {
        "lines": lines,
        "stock_rows": len(network.stock),
        "rss_before_mb": before,
        "peak_rss_mb": peak_mb(),
        "orders": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="*", default=[100, 1000])
    parser.add_argument("--orders", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_size(args.lines[0], args.orders, args.seed, args.time_limit)))
        return
    for lines in args.lines:
        command = [
            sys.executable,
            "-m",
            "benchmarks.scale_huge",
            "--child",
            "--lines",
            str(lines),
            "--orders",
            str(args.orders),
            "--seed",
            str(args.seed),
        ]
        if args.time_limit is not None:
            command += ["--time-limit", str(args.time_limit)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        print(done.stdout.strip() or done.stderr[-2000:], flush=True)


if __name__ == "__main__":
    main()
