"""Large-neighbourhood search over a joint group: re-solve a few competing orders, the rest fixed.

A group of hundreds of competing orders is too large for one worker to
improve quickly from a start far from the optimum (the fill phase's plan is
arbitrary in cost; the sequential plan leaves the joint gain to be found).
A neighbourhood of a few dozen orders that share contested stock, solved
exactly against the stock every other order of the group currently takes, is
a small joint model CP-SAT proves in milliseconds.  Re-solving one
neighbourhood after another walks the whole group's plan down in cost.

Every neighbourhood keeps each of its orders at or above its fairness floor
and its total fill at or above what it had, and its new plans are accepted
only when they are better by the exact floating-point yardstick, so the group
never gets worse than its start: fill, fairness and stock stay as proven.
"""

from __future__ import annotations

import random
import time
from collections import deque
from dataclasses import dataclass

from ortools.sat.python import cp_model

from sourcing_engine.evaluate import COST_EPSILON, evaluate
from sourcing_engine.problem import Allocation
from sourcing_engine.wave_cost import minimize_cost
from sourcing_engine.wave_groups import Pair, potential
from sourcing_engine.wave_model import StockAt, WaveOrder, build_joint_model, require_fill

# Orders per neighbourhood at the start; it grows while neighbourhoods solve fast, shrinks when not.
FIRST_SIZE = 30
SMALLEST, LARGEST = 8, 120
FAST_SECONDS = 0.05  # a neighbourhood proven faster than this grows the next one
MOST_SECONDS = 0.5  # no neighbourhood takes more of the time than this
SEED = 7
# The search ends when neighbourhoods covering every order this many times found nothing cheaper.
IDLE_TURNS = 2


@dataclass(slots=True)
class SearchReport:
    rounds: int = 0
    accepted: int = 0
    saving: float = 0.0


def improve(
    orders: list[WaveOrder], stock_at: StockAt, start: list[Allocation], deadline: float
) -> tuple[list[Allocation], SearchReport]:
    """``start`` made cheaper (never fewer units, no order below its floor) until ``deadline``."""
    current = list(start)
    worth = [_worth(order, allocation) for order, allocation in zip(orders, current, strict=True)]
    sharing = _sharing(orders, stock_at)
    rng = random.Random(SEED)
    seeds = _seed_order(orders, rng)
    size = FIRST_SIZE
    report = SearchReport()
    idle = 0  # orders re-solved since the last accepted neighbourhood
    while seeds and idle < IDLE_TURNS * len(orders) and time.perf_counter() < deadline - 0.01:
        seed = seeds.popleft()
        seeds.append(seed)
        hood = _neighbourhood(seed, sharing, size, rng)
        if len(hood) < 2:
            continue
        started = time.perf_counter()
        found, proven = _resolve(orders, stock_at, current, hood, min(deadline, started + MOST_SECONDS))
        report.rounds += 1
        idle += len(hood)
        size = _next_size(size, proven, time.perf_counter() - started, len(orders))
        if found is None:
            continue
        new = [_worth(orders[o], a) for o, a in zip(hood, found, strict=True)]
        old_fill, old_cost = sum(worth[o][0] for o in hood), sum(worth[o][1] for o in hood)
        new_fill, new_cost = sum(w[0] for w in new), sum(w[1] for w in new)
        if new_fill > old_fill or (new_fill == old_fill and new_cost < old_cost - COST_EPSILON):
            for o, allocation, w in zip(hood, found, new, strict=True):
                current[o], worth[o] = allocation, w
            report.accepted += 1
            idle = 0
            report.saving += old_cost - new_cost
    return current, report


def _worth(order: WaveOrder, allocation: Allocation) -> tuple[int, float]:
    ev = evaluate(order.problem, allocation)
    return ev.filled, ev.objective


def _sharing(orders: list[WaveOrder], stock_at: StockAt) -> list[list[int]]:
    """Per order, the other orders that could take from a pair it could take from, short of stock."""
    wants = [potential(o.problem) for o in orders]
    askers: dict[Pair, list[int]] = {}
    total: dict[Pair, int] = {}
    for o, want in enumerate(wants):
        for key, qty in want.items():
            askers.setdefault(key, []).append(o)
            total[key] = total.get(key, 0) + qty
    out: list[set[int]] = [set() for _ in orders]
    for key, who in askers.items():
        if len(who) > 1 and total[key] > stock_at(*key):
            for o in who:
                out[o].update(who)
    return [sorted(s - {o}) for o, s in enumerate(out)]


def _seed_order(orders: list[WaveOrder], rng: random.Random) -> deque[int]:
    seeds = list(range(len(orders)))
    rng.shuffle(seeds)
    return deque(seeds)


def _neighbourhood(seed: int, sharing: list[list[int]], size: int, rng: random.Random) -> list[int]:
    """Orders reached from ``seed`` through shared contested stock, breadth first, ``size`` at most."""
    hood = [seed]
    seen = {seed}
    queue = deque([seed])
    while queue and len(hood) < size:
        around = [o for o in sharing[queue.popleft()] if o not in seen]
        rng.shuffle(around)
        for o in around[: size - len(hood)]:
            seen.add(o)
            hood.append(o)
            queue.append(o)
    return sorted(hood)


def _next_size(size: int, proven: bool, seconds: float, group: int) -> int:
    if proven and seconds < FAST_SECONDS:
        return min(LARGEST, group, size + size // 2)
    if not proven:
        return max(SMALLEST, size * 2 // 3)
    return size


def _resolve(
    orders: list[WaveOrder], stock_at: StockAt, current: list[Allocation], hood: list[int], deadline: float
) -> tuple[list[Allocation] | None, bool]:
    """The neighbourhood's cheapest plans at no less fill, against what the other orders take."""
    inside = set(hood)
    others: dict[Pair, int] = {}
    for o, allocation in enumerate(current):
        if o in inside:
            continue
        lines = orders[o].problem.lines
        for (line, pos), qty in allocation.items():
            key = (lines[line].sku, pos)
            others[key] = others.get(key, 0) + qty

    def left(sku: str, pos: int) -> int:
        return max(0, stock_at(sku, pos) - others.get((sku, pos), 0))

    members = [orders[o] for o in hood]
    jm = build_joint_model(members, left)
    start = [current[o] for o in hood]
    jm.hint(start)
    require_fill(jm, sum(sum(a.values()) - sum(m.problem.fixed.values()) for m, a in zip(members, start, strict=True)))
    minimize_cost(jm)
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1
    params.random_seed = SEED
    params.max_time_in_seconds = max(0.005, deadline - time.perf_counter())
    params.cp_model_presolve = False
    params.cut_level = 0  # as for the whole group (wave_solve.CUT_LEVEL)
    status = solver.Solve(jm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, False
    return jm.allocations(solver), status == cp_model.OPTIMAL
