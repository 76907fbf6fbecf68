"""``source_wave``: many orders sourced together from one shared stock, exactly and fairly.

The wave is first sourced one by one with ``optimal`` in the wave's order (the
sequential plan: what sourcing order after order would do).  Orders that
compete for no contested (SKU, source) stock keep that plan: alone, it is
already their optimum.  Each connected group of competing orders is solved
jointly (``wave_solve``) under the fairness guarantee: every order fills at
least what the sequential plan gave it; then the most units in total; then
the lowest total cost; the sequential plan is the hint and the first answer.

Pickup orders (the store gives what it has *when the order comes*), orders
on hold and orders that wait until complete keep their sequential plan; the
others are optimised around the stock those plans take.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

from sourcing_engine.assemble import adjustment, physical_shipments, shortfall_notes, shortfalls
from sourcing_engine.directives import NO_DIRECTIVES, Directives
from sourcing_engine.engine import check_order_against_network, consumed, source
from sourcing_engine.errors import InputError
from sourcing_engine.limits import MAX_WAVE_ORDERS
from sourcing_engine.model import PICKUP, Network, Order
from sourcing_engine.network_index import NetworkIndex, as_index
from sourcing_engine.plan import PHYSICAL_KINDS, Plan, PlanStats
from sourcing_engine.problem import Allocation, Problem, build_problem
from sourcing_engine.rules_bridge import directives_for
from sourcing_engine.special_lines import is_virtual
from sourcing_engine.wave_groups import Pair, connected_groups, contested_pairs, copy_index, potential, split_by_age
from sourcing_engine.wave_lns import improve
from sourcing_engine.wave_model import WaveOrder
from sourcing_engine.wave_plan import GroupReport, WavePlan, WaveStats
from sourcing_engine.wave_solve import solve_group

DEFAULT_WAVE_TIME_LIMIT = 2.0
DEFAULT_MAX_GROUP = 150
# A group split by age gives its chunks this share of its time, and the rest to neighbourhoods
# re-solved across the chunks' borders (wave_lns), where splitting loses part of the joint gain.
CHUNK_SHARE = 0.7
MAX_TIME_LIMIT = 3600.0
MAX_WORKERS = 64


def source_wave(
    orders: Iterable[Order],
    network: Network | NetworkIndex,
    rules: object | None = None,
    *,
    directives: Mapping[str, Directives] | None = None,
    attempts: Mapping[str, int] | None = None,
    time_limit: float | None = None,
    max_group_size: int = DEFAULT_MAX_GROUP,
    workers: int | None = None,
) -> WavePlan:
    """Source ``orders`` (in the wave's order: oldest, then highest priority first) as one wave.

    ``directives`` and ``attempts`` are per order id, as ``source`` takes them
    per order; ``time_limit`` bounds the joint solving that follows the
    one-by-one pass (default 2 s); groups of more than ``max_group_size``
    competing orders are solved in chunks by age.  ``workers`` are CP-SAT's
    (default 1: deterministic, and measured fastest on the benchmark's groups).
    """
    started = time.perf_counter()
    wave = list(orders)
    _check(wave, max_group_size, time_limit, workers)
    index = as_index(network)
    for order in wave:
        check_order_against_network(order, index)
    limit = time_limit or DEFAULT_WAVE_TIME_LIMIT
    workers = workers or 1
    wave_directives = [_directives(order, index, rules, directives) for order in wave]
    wave_attempts = [(attempts or {}).get(order.id, 0) for order in wave]
    sequential = _sequential(wave, index, wave_directives, wave_attempts, limit)
    sequential_ms = (time.perf_counter() - started) * 1000
    deadline = time.perf_counter() + limit
    stats = WaveStats(orders=len(wave), sequential_ms=sequential_ms, time_limit=limit, workers=workers)
    plans = list(sequential)
    stock = copy_index(index)
    joinable = [o for o, order in enumerate(wave) if not _keeps_sequential(order, wave_directives[o])]
    kept = set(range(len(wave))) - set(joinable)
    for o in sorted(kept):
        stock.take(consumed(sequential[o]))
    problems = {o: _problem(wave[o], stock, wave_directives[o], wave_attempts[o]) for o in joinable}
    wants = [potential(problems[o]) for o in joinable]
    contested = contested_pairs([problems[o] for o in joinable], wants)
    groups = [[joinable[i] for i in g] for g in connected_groups(wants, contested) if len(g) > 1]
    stats.contested_pairs = len(contested)
    stats.joint_orders = sum(len(g) for g in groups)
    remaining = stats.joint_orders
    for group in groups:
        now = time.perf_counter()
        group_deadline = now + max(0.05, (deadline - now) * len(group) / max(1, remaining))
        chunks = split_by_age(group, max_group_size)
        # A split group keeps part of its time to search across the chunks' borders.
        chunk_end = now + (group_deadline - now) * (CHUNK_SHARE if len(chunks) > 1 else 1.0)
        taken: dict[Pair, int] = {}
        chosen: dict[int, Allocation] = {}
        left = len(group)
        for c, chunk in enumerate(chunks):
            later = [o for other in chunks[c + 1 :] for o in other]
            reserved = _takes(problems, {o: _allocation(problems[o], sequential[o]) for o in later})
            share = len(chunk) / left
            chunk_deadline = time.perf_counter() + max(0.05, (chunk_end - time.perf_counter()) * share)
            # A chunk of a split group is proven optimal for its part only, not the group as a whole.
            report, allocations = _solve_chunk(
                chunk, problems, sequential, plans, stock, taken, reserved, chunk_deadline, workers, len(chunks) > 1
            )
            stats.groups.append(report)
            chosen.update(zip(chunk, allocations, strict=True))
            left -= len(chunk)
        if len(chunks) > 1:
            stats.groups[-1].search_saving += _across_chunks(
                group, problems, sequential, plans, stock, chosen, group_deadline
            )
        remaining -= len(group)
    stats.total_ms = (time.perf_counter() - started) * 1000
    return WavePlan(plans=plans, sequential=sequential, stats=stats)


def _check(wave: list[Order], max_group_size: int, time_limit: float | None, workers: int | None) -> None:
    number = isinstance(time_limit, int | float) and not isinstance(time_limit, bool)
    if time_limit is not None and not (number and 0 < time_limit <= MAX_TIME_LIMIT):
        raise InputError("time_limit", f"must be a number of seconds in (0, {MAX_TIME_LIMIT}], got {time_limit!r}")
    if workers is not None and not _integer_in(workers, 1, MAX_WORKERS):
        raise InputError("workers", f"must be an integer from 1 to {MAX_WORKERS}, got {workers!r}")
    if not _integer_in(max_group_size, 1, MAX_WAVE_ORDERS):
        raise InputError("max_group_size", f"must be an integer from 1 to {MAX_WAVE_ORDERS}, got {max_group_size!r}")
    if len(wave) > MAX_WAVE_ORDERS:
        raise InputError("orders", f"a wave holds at most {MAX_WAVE_ORDERS} orders, got {len(wave)}")
    seen: set[str] = set()
    for i, order in enumerate(wave):
        if order.id in seen:
            raise InputError(f"orders[{i}].id", f"duplicate order id {order.id!r} in the wave")
        seen.add(order.id)


def _integer_in(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _directives(
    order: Order, index: NetworkIndex, rules: object | None, given: Mapping[str, Directives] | None
) -> Directives:
    own = (given or {}).get(order.id) or NO_DIRECTIVES
    return own.combined(directives_for(rules, order, index)) if rules is not None else own


def _sequential(
    wave: list[Order], index: NetworkIndex, dirs: list[Directives], attempts: list[int], limit: float
) -> list[Plan]:
    """One by one with ``optimal`` in the wave's order, each order against what the previous left."""
    stock = copy_index(index)
    plans = []
    for order, directives, attempt in zip(wave, dirs, attempts, strict=True):
        plan = source(order, stock, directives=directives, attempt=attempt, time_limit=min(1.0, limit))
        stock.take(consumed(plan))
        plans.append(plan)
    return plans


def _keeps_sequential(order: Order, directives: Directives) -> bool:
    return order.delivery.method == PICKUP or directives.hold is not None or directives.settings.partial == "hold"


def _problem(order: Order, stock: NetworkIndex, directives: Directives, attempt: int) -> Problem:
    physical = [line for line in order.lines if line.preshipped_source is None and not is_virtual(line, stock)]
    return build_problem(order, stock, directives, physical, attempt)


def _allocation(problem: Problem, plan: Plan) -> Allocation:
    """A plan's physical shipments as an allocation in ``problem``'s indices."""
    row = {line.id: i for i, line in enumerate(problem.lines)}
    out: Allocation = {}
    for shipment in plan.shipments:
        if shipment.kind not in PHYSICAL_KINDS:
            continue
        pos = problem.index.position[shipment.source]
        for planned in shipment.lines:
            key = (row[planned.line_id], pos)
            out[key] = out.get(key, 0) + planned.quantity
    return out


def _takes(problems: dict[int, Problem], allocations: dict[int, Allocation]) -> dict[Pair, int]:
    out: dict[Pair, int] = {}
    for o, allocation in allocations.items():
        lines = problems[o].lines
        for (line, pos), qty in allocation.items():
            key = (lines[line].sku, pos)
            out[key] = out.get(key, 0) + qty
    return out


def _solve_chunk(
    chunk: list[int],
    problems: dict[int, Problem],
    sequential: list[Plan],
    plans: list[Plan],
    stock: NetworkIndex,
    taken: dict[Pair, int],
    reserved: dict[Pair, int],
    deadline: float,
    workers: int,
    split: bool,
) -> tuple[GroupReport, list[Allocation]]:
    """Solve a chunk against the stock earlier chunks left and later chunks' sequential plans need."""

    known: dict[Pair, int] = {}  # asked for some ten thousand times per large chunk

    def stock_at(sku: str, pos: int) -> int:
        key = (sku, pos)
        if key not in known:
            known[key] = max(0, int(stock.available(sku)[pos]) - taken.get(key, 0) - reserved.get(key, 0))
        return known[key]

    members = [
        WaveOrder(problems[o], seq, sum(seq.values()))
        for o in chunk
        for seq in [_allocation(problems[o], sequential[o])]
    ]
    outcome = solve_group(members, stock_at, deadline, workers)
    for o, member, allocation in zip(chunk, members, outcome.allocations, strict=True):
        if allocation != member.sequential:
            plans[o] = _wave_plan(member.problem, allocation, sequential[o], len(chunk), outcome.proven and not split)
    for key, qty in _takes(problems, dict(zip(chunk, outcome.allocations, strict=True))).items():
        taken[key] = taken.get(key, 0) + qty
    report = GroupReport(
        orders=[problems[o].order.id for o in chunk],
        improved=outcome.improved,
        proven=outcome.proven,
        objective=outcome.objective,
        bound=outcome.bound,
        variables=outcome.variables,
        solve_ms=outcome.solve_ms,
        searched=outcome.searched,
        search_saving=outcome.search_saving,
        split=split,
    )
    return report, outcome.allocations


def _across_chunks(
    group: list[int],
    problems: dict[int, Problem],
    sequential: list[Plan],
    plans: list[Plan],
    stock: NetworkIndex,
    chosen: dict[int, Allocation],
    deadline: float,
) -> float:
    """Neighbourhoods of the whole split group re-solved across the chunks' borders; what they saved."""
    members = [
        WaveOrder(problems[o], seq, sum(seq.values()))
        for o in group
        for seq in [_allocation(problems[o], sequential[o])]
    ]

    def stock_at(sku: str, pos: int) -> int:
        return int(stock.available(sku)[pos])

    start = [chosen[o] for o in group]
    found, report = improve(members, stock_at, start, deadline)
    for o, member, before, after in zip(group, members, start, found, strict=True):
        if after != before:
            plans[o] = _wave_plan(member.problem, after, sequential[o], len(group), False)
    return report.saving


def _wave_plan(problem: Problem, allocation: Allocation, seq: Plan, size: int, proven: bool) -> Plan:
    """The plan of an order the joint solve changed; virtual and pre-shipped parts as sequential."""
    physical_ids = {line.id for line in problem.lines}
    backorders, unsourced = shortfalls(problem, allocation)
    note = f"sourced jointly with {size - 1} other order(s) of the wave" + (
        ", proven optimal for the wave" if proven else ", best plan found in the time limit"
    )
    return Plan(
        order_id=seq.order_id,
        strategy="wave",
        optimal=proven,
        shipments=physical_shipments(problem, allocation) + [s for s in seq.shipments if s.kind not in PHYSICAL_KINDS],
        backorders=backorders + [b for b in seq.backorders if b.line_id not in physical_ids],
        unsourced=unsourced + [u for u in seq.unsourced if u.line_id not in physical_ids],
        explanation=[*problem.directives.explanation, note, *shortfall_notes(backorders, unsourced)],
        rule_adjustment=adjustment(problem, allocation),
        stats=PlanStats(path="wave", candidate_sources=len(problem.candidates)),
    )
