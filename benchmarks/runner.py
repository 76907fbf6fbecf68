"""One preset, every strategy, the exact optimum: the measurements behind the report.

Each strategy sources the same orders against its own copy of the network
(in stream presets each plan takes its stock before the next order); every
plan is validated; the independent MIP solves each order at the stock the
optimal strategy saw; the figures are summarised in ``measure``/``quality``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from benchmarks.exact import ExactResult, solve_exact
from benchmarks.generator import Instance, generate
from benchmarks.measure import Record, record, summarize
from benchmarks.quality import compare
from benchmarks.rulesets import RulesUnavailable, load_ruleset
from benchmarks.throughput import parallel_throughput
from sourcing_engine import NetworkIndex, consumed, source
from sourcing_engine.ledger import StockLedger
from sourcing_engine.model import Order
from sourcing_engine.plan import Plan
from sourcing_engine.rules_bridge import directives_for
from sourcing_engine.validate import violations

STRATEGIES = ("optimal", "priority", "distance", "consolidating")
# Progress: called with a label and a total, returns the function that advances that task by one.
Progress = Callable[[str, int], Callable[[], None]]


def no_progress(label: str, total: int) -> Callable[[], None]:
    return lambda: None


@dataclass(slots=True)
class PresetRun:
    name: str
    seed: int
    orders: int
    stream: bool
    fingerprint: str = ""
    skipped: str | None = None
    records: dict[str, list[Record]] = field(default_factory=dict)
    summary: dict[str, dict[str, Any]] = field(default_factory=dict)
    exact: list[ExactResult] = field(default_factory=list)
    quality: dict[str, Any] = field(default_factory=dict)
    invalid: dict[str, list[str]] = field(default_factory=dict)
    determinism: dict[str, Any] = field(default_factory=dict)
    throughput: dict[str, Any] = field(default_factory=dict)


def run_preset(
    name: str, seed: int, orders: int | None = None, *, exact_time_limit: float = 10.0, processes: int = 2,
    progress: Progress = no_progress,
) -> PresetRun:
    instance = generate(name, seed, orders)
    run = PresetRun(name, seed, len(instance.orders), instance.stream, instance.fingerprint())
    ruleset = None
    if instance.params.rules:
        try:
            ruleset = load_ruleset(instance.params.rules, instance.network)
        except RulesUnavailable as why:
            run.skipped = str(why)
            return run
    plans: dict[str, list[Plan]] = {}
    for strategy in STRATEGIES:
        plans[strategy], run.records[strategy], wall = source_all(instance, strategy, ruleset, progress)
        run.summary[strategy] = summarize(run.records[strategy], wall)
        run.invalid[strategy] = _validate(instance, plans[strategy], bool(ruleset))
    run.exact = _exact(instance, plans["optimal"], ruleset, exact_time_limit, progress)
    run.quality = compare(run.records, run.exact, instance.stream)
    run.determinism = _determinism(instance, run.records["optimal"], ruleset)
    run.throughput = parallel_throughput(name, seed, len(instance.orders), processes, instance.stream)
    if run.throughput:
        run.determinism.update(_across_processes(run, processes))
    return run


def _across_processes(run: PresetRun, processes: int) -> dict[str, Any]:
    """Worker processes regenerated the instance and sourced it again: compare instance and plans."""
    out: dict[str, Any] = {
        "same_instance_in_worker_processes": run.throughput.pop("fingerprints", []) == [run.fingerprint] * processes
    }
    across = run.throughput.pop("digests", {})
    limited_there = set(run.throughput.pop("limited", []))
    if across:
        mine = {r.order_id: r for r in run.records["optimal"]}
        differing = [k for k, v in across.items() if mine[k].digest != v]
        # A solve stopped by the wall-clock time limit is not reproducible; every other plan must be.
        out["plans_differing_in_worker_processes"] = len(differing)
        out["worker_plans_time_limited"] = sum(1 for k in differing if mine[k].hit_time_limit or k in limited_there)
        out["same_plans_in_worker_processes"] = out["worker_plans_time_limited"] == len(differing)
    return out


def physical_units(order: Order, index: NetworkIndex) -> int:
    return sum(
        line.quantity for line in order.lines
        if line.preshipped_source is None and index.product(line.sku).type != "virtual"
    )


def source_all(
    instance: Instance, strategy: str, ruleset: object | None, progress: Progress
) -> tuple[list[Plan], list[Record], float]:
    index = NetworkIndex(instance.network)
    advance = progress(f"{instance.name}: {strategy}", len(instance.orders))
    plans, records = [], []
    started = time.perf_counter()
    for order in instance.orders:
        t0 = time.perf_counter()
        plan = source(order, index, strategy, rules=ruleset)
        latency = (time.perf_counter() - t0) * 1000
        if instance.stream:
            index.take(consumed(plan))
        plans.append(plan)
        records.append(record(order, plan, latency, physical_units(order, index)))
        advance()
    return plans, records, time.perf_counter() - started


def _validate(instance: Instance, plans: list[Plan], rules_applied: bool) -> list[str]:
    ledger = StockLedger(instance.network)
    problems = []
    for order, plan in zip(instance.orders, plans, strict=True):
        problems += [f"{order.id}: {p}" for p in violations(plan, order, ledger, rules_applied=rules_applied)]
        if instance.stream:
            ledger.take(consumed(plan))
    return problems


def _exact(
    instance: Instance, optimal: list[Plan], ruleset: object | None, time_limit: float, progress: Progress
) -> list[ExactResult]:
    ledger = StockLedger(instance.network)
    index = NetworkIndex(instance.network) if ruleset is not None else None
    advance = progress(f"{instance.name}: exact MIP + LP", len(instance.orders))
    out = []
    for order, plan in zip(instance.orders, optimal, strict=True):
        directives = directives_for(ruleset, order, index) if index is not None else None
        out.append(solve_exact(order, ledger, directives, time_limit))
        if instance.stream:
            ledger.take(consumed(plan))
            if index is not None:
                index.take(consumed(plan))
        advance()
    return out


def _determinism(instance: Instance, first: list[Record], ruleset: object | None) -> dict[str, Any]:
    """Source the orders again from scratch: the same plans, and the same instance from the seed."""
    count = min(len(first), 200)
    index = NetworkIndex(instance.network)
    differing = limited = 0
    for order, rec in zip(instance.orders[:count], first[:count], strict=True):
        plan = source(order, index, "optimal", rules=ruleset)
        if instance.stream:
            index.take(consumed(plan))
        if record(order, plan, 0.0, rec.units).digest != rec.digest:
            differing += 1
            limited += rec.hit_time_limit or plan.stats.hit_time_limit
        if instance.stream and differing:
            break  # the stocks have diverged: later plans cannot be compared
    return {"orders_rechecked": count, "differing": differing, "of_which_time_limited": limited,
            "same_plans_on_rerun": differing == limited}
