"""``source``: one order, one network, one strategy, one plan."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator

from sourcing_engine.assemble import (
    adjustment,
    physical_shipments,
    shortfall_notes,
    shortfalls,
    special_shortfalls,
)
from sourcing_engine.directives import NO_DIRECTIVES, Directives
from sourcing_engine.errors import InputError
from sourcing_engine.greedy import consolidate, distance_order, priority_order, walk
from sourcing_engine.limits import time_limit_problem
from sourcing_engine.model import PICKUP, Network, Order, OrderLine
from sourcing_engine.network_index import NetworkIndex, as_index
from sourcing_engine.optimal import Outcome, solve_optimal
from sourcing_engine.plan import PHYSICAL_KINDS, Plan, PlanStats, Unsourced
from sourcing_engine.problem import Problem, build_problem
from sourcing_engine.special_lines import is_virtual, preshipped_shipments, virtual_shipments

DEFAULT_TIME_LIMIT = 1.0
# The share of the time limit kept for turning the solver's answer into a plan, and per order line
# at least this many seconds (a 1,000-line plan takes tens of milliseconds to assemble), up to a quarter.
EXTRACTION_RESERVE = 0.05
EXTRACTION_PER_LINE = 1e-4


def _greedy(name: str, note: str, choose: Callable[[Problem], dict]) -> Callable[[Problem, float], Outcome]:
    def run(problem: Problem, deadline: float) -> Outcome:
        stats = PlanStats(path=name, candidate_sources=len(problem.candidates))
        return Outcome(choose(problem), False, stats, [note.format(n=len(problem.candidates))])

    return run


# A strategy turns the problem into an outcome before the deadline (a perf_counter time).
STRATEGIES: dict[str, Callable[[Problem, float], Outcome]] = {
    "optimal": solve_optimal,
    "priority": _greedy(
        "priority", "Magento source priority: {n} source(s) walked by priority", lambda p: walk(p, priority_order(p))
    ),
    "distance": _greedy(
        "distance",
        "Magento distance priority: {n} source(s) walked nearest first",
        lambda p: walk(p, distance_order(p)),
    ),
    "consolidating": _greedy(
        "consolidating",
        "consolidating greedy over {n} source(s): one source if any ships all, else set cover",
        consolidate,
    ),
}


def source(
    order: Order,
    network: Network | NetworkIndex,
    strategy: str = "optimal",
    *,
    directives: Directives | None = None,
    rules: object | None = None,
    time_limit: float | None = None,
    attempt: int = 0,
) -> Plan:
    """Decide which source ships which quantity of which line of ``order``.

    ``directives`` carry the rules' exclusions, costs and settings (and the
    OMS's own, such as a source that declined); ``rules`` is a compiled
    ruleset from ``rules_dsl``, evaluated against this order and turned into
    directives; ``attempt`` counts earlier sourcing attempts, for bundles that
    may split after N of them.
    """
    started = time.perf_counter()
    if strategy not in STRATEGIES:
        raise InputError("strategy", f"unknown strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}")
    if time_limit is not None and (problem := time_limit_problem(time_limit)) is not None:
        raise InputError("time_limit", problem)
    index = as_index(network)
    check_order_against_network(order, index)
    directives = directives or NO_DIRECTIVES
    rules_ms = 0.0
    if rules is not None:
        t0 = time.perf_counter()
        from sourcing_engine.rules_bridge import directives_for  # the rules language loads with the first rules

        directives = directives.combined(directives_for(rules, order, index))
        rules_ms = (time.perf_counter() - t0) * 1000
    if directives.hold is not None:
        return _held(order, strategy, directives)
    preshipped = [line for line in order.lines if line.preshipped_source is not None]
    virtual = [line for line in order.lines if is_virtual(line, index)]
    physical = [line for line in order.lines if line.preshipped_source is None and not is_virtual(line, index)]
    problem = build_problem(order, index, directives, physical, attempt)
    limit = directives.settings.time_limit or time_limit or DEFAULT_TIME_LIMIT
    reserve = min(0.25 * limit, max(EXTRACTION_RESERVE * limit, EXTRACTION_PER_LINE * len(order.lines)))
    outcome = STRATEGIES[strategy](problem, started + limit - reserve)
    special = virtual_shipments(virtual, index)
    backorders, unsourced = shortfalls(problem, outcome.allocation)
    lines_by_id = {line.id: line for line in order.lines}
    extra_back, extra_unsourced = special_shortfalls(
        special, lines_by_id, _virtual_backorderable(virtual, index, directives)
    )
    plan = Plan(
        order_id=order.id,
        strategy=strategy,
        optimal=outcome.optimal,
        shipments=physical_shipments(problem, outcome.allocation)
        + special.shipments
        + preshipped_shipments(preshipped),
        backorders=backorders + extra_back,
        unsourced=unsourced + extra_unsourced,
        explanation=directives.explanation + outcome.notes + shortfall_notes(backorders, unsourced),
        rule_adjustment=adjustment(problem, outcome.allocation),
        stats=outcome.stats,
        cost_resolution=outcome.cost_resolution,
    )
    if directives.settings.partial == "hold" and (plan.backorders or plan.unsourced):
        plan = _wait_for_complete(plan, order)
    plan.stats.rules_ms = rules_ms
    plan.stats.total_ms = (time.perf_counter() - started) * 1000
    return plan


def source_stream(
    orders: Iterable[Order], network: Network | NetworkIndex, strategy: str = "optimal", **options: object
) -> Iterator[Plan]:
    """Source orders one by one, each against the stock the previous plans left."""
    index = as_index(network)
    for order in orders:
        plan = source(order, index, strategy, **options)  # type: ignore[arg-type]
        index.take(consumed(plan))
        yield plan


def consumed(plan: Plan) -> list[tuple[str, str, int]]:
    """The stock a plan takes: every shipped unit except pre-shipped ones."""
    return [
        (s.source, line.sku, line.quantity)
        for s in plan.shipments
        if s.kind in PHYSICAL_KINDS or s.kind == "virtual"
        for line in s.lines
    ]


def check_order_against_network(order: Order, index: NetworkIndex) -> None:
    if order.delivery.method == PICKUP:
        code = order.delivery.pickup_source
        if code not in index.position:
            raise InputError("delivery.pickup_source", f"unknown source {code!r}")
        if PICKUP not in index.sources[index.position[code]].capabilities:
            raise InputError("delivery.pickup_source", f"source {code!r} does not offer pickup")
    for i, line in enumerate(order.lines):
        if line.preshipped_source is not None and line.preshipped_source not in index.position:
            raise InputError(f"lines[{i}].preshipped_source", f"unknown source {line.preshipped_source!r}")


def _virtual_backorderable(lines: list[OrderLine], index: NetworkIndex, directives: Directives) -> dict[str, bool]:
    out = {}
    for line in lines:
        override = directives.backorder.get(line.id)
        if override is None:
            override = line.allow_backorder if line.allow_backorder is not None else index.product(line.sku).backorders
        out[line.id] = override
    return out


def _held(order: Order, strategy: str, directives: Directives) -> Plan:
    preshipped = [line for line in order.lines if line.preshipped_source is not None]
    unsourced = [
        Unsourced(line.id, line.sku, line.quantity, "on_hold") for line in order.lines if line.preshipped_source is None
    ]
    return Plan(
        order_id=order.id,
        strategy=strategy,
        optimal=True,
        shipments=preshipped_shipments(preshipped),
        backorders=[],
        unsourced=unsourced,
        explanation=[*directives.explanation, f"order on hold: {directives.hold}"],
        hold=directives.hold,
    )


def _wait_for_complete(plan: Plan, order: Order) -> Plan:
    """``partial hold``: nothing ships until everything can."""
    waiting = [
        Unsourced(line.id, line.sku, line.quantity, "waiting_for_complete")
        for line in order.lines
        if line.preshipped_source is None
    ]
    kept = [s for s in plan.shipments if s.kind == "preshipped"]
    plan.shipments, plan.backorders, plan.unsourced = kept, [], waiting
    plan.rule_adjustment = 0.0
    plan.explanation.append("partial hold: the order waits until every line can ship")
    return plan
