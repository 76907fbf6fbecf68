"""Orders per second of the optimal strategy in N processes, each with its own network.

Each worker regenerates the instance from the seed (cheaper than pickling a
network, and a determinism check in passing), sources its share of the
orders, and reports how long that took; throughput is all orders over the
slowest worker's time.  A stream preset gives each worker its own stream
(its own stock), as a sharded OMS would.
"""

from __future__ import annotations

import multiprocessing
import time
from typing import Any

from benchmarks.generator import generate
from benchmarks.measure import plan_digest
from benchmarks.rulesets import load_ruleset
from sourcing_engine import NetworkIndex, consumed, source


def _worker(args: tuple[str, int, int, int, int]) -> dict[str, Any]:
    name, seed, orders, shard, shards = args
    instance = generate(name, seed, orders)
    index = NetworkIndex(instance.network)
    rules = load_ruleset(instance.params.rules, instance.network) if instance.params.rules else None
    mine = instance.orders[shard::shards]
    source(mine[0], NetworkIndex(instance.network), "optimal", rules=rules)  # warm up outside the clock
    digests, limited = {}, []
    started = time.perf_counter()
    for order in mine:
        plan = source(order, index, "optimal", rules=rules)
        if instance.stream:
            index.take(consumed(plan))
        digests[order.id] = plan_digest(plan)
        if plan.stats.hit_time_limit:
            limited.append(order.id)
    return {"orders": len(mine), "seconds": time.perf_counter() - started, "digests": digests, "limited": limited,
            "fingerprint": instance.fingerprint()}


def parallel_throughput(name: str, seed: int, orders: int, processes: int, stream: bool) -> dict[str, Any]:
    if processes < 1 or orders < processes:
        return {}
    context = multiprocessing.get_context("spawn")  # a clean interpreter per worker, as a real deployment
    with context.Pool(processes) as pool:
        results = pool.map(_worker, [(name, seed, orders, k, processes) for k in range(processes)])
    slowest = max(r["seconds"] for r in results)
    digests: dict[str, str] = {}
    for r in results:
        digests.update(r["digests"])
    return {
        "processes": processes,
        "orders": sum(r["orders"] for r in results),
        "orders_per_s": sum(r["orders"] for r in results) / slowest if slowest > 0 else float("nan"),
        "per_process_orders_per_s": [r["orders"] / r["seconds"] for r in results],
        "digests": {} if stream else digests,
        "limited": sorted({k for r in results for k in r["limited"]}),
        "fingerprints": [r["fingerprint"] for r in results],
    }
