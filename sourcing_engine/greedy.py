"""Greedy strategies: Magento MSI's two algorithms and a consolidating greedy.

``priority`` and ``distance`` walk sources in a fixed order and, line by
line, take ``min(available, still needed)`` from each in turn, as MSI's
PriorityBasedAlgorithm does; a bundle comes whole from the first source that
can fill all of it.  ``consolidating`` is what a careful merchant would write:
the cheapest single source that ships everything, else set cover (the source
that fills most, then the cheapest), one shipment at a time.
"""

from __future__ import annotations

import numpy as np

from sourcing_engine.evaluate import evaluate, merged
from sourcing_engine.problem import Allocation, Item, Problem


def priority_order(problem: Problem) -> list[int]:
    rank = problem.index.rank
    return sorted((int(p) for p in problem.candidates), key=lambda p: rank[p])


def distance_order(problem: Problem) -> list[int]:
    rank, dist = problem.index.rank, problem.dist
    return sorted((int(p) for p in problem.candidates), key=lambda p: (dist[p], rank[p]))


def walk(problem: Problem, order: list[int]) -> Allocation:
    """Magento's walk: each line takes what it can from each source in ``order``."""
    avail = problem.avail.copy()
    allocation: Allocation = {}
    opened: set[int] = set()
    limit = problem.sourcing_shipment_limit

    def may_open(pos: int) -> bool:
        return pos in opened or limit is None or len(opened) < limit

    for item in problem.items:
        if problem.demand[list(item.lines)].sum() == 0:
            continue
        if item.bundle is not None:
            for pos in order:
                if may_open(pos) and _bundle_fits(problem, item, pos, avail):
                    _take_bundle(problem, item, pos, avail, allocation)
                    opened.add(pos)
                    break
            continue
        line = item.lines[0]
        sku = problem.sku_of[line]
        need = int(problem.demand[line])
        for pos in order:
            if need == 0:
                break
            if not problem.allowed[line, pos] or avail[sku, pos] <= 0 or not may_open(pos):
                continue
            take = int(min(need, avail[sku, pos]))
            avail[sku, pos] -= take
            allocation[(line, pos)] = take
            opened.add(pos)
            need -= take
    return merged(problem.fixed, allocation)


def consolidate(problem: Problem) -> Allocation:
    single = best_single_source(problem)
    if single is not None:
        return single
    return _set_cover(problem)


def best_single_source(problem: Problem, lines: list[int] | None = None) -> Allocation | None:
    """The best plan that ships ``lines`` (default: all open demand) from one source, if any can."""
    cands = problem.candidates
    if len(cands) == 0 or problem.sourcing_shipment_limit == 0:
        return None
    chosen = np.flatnonzero(problem.demand > 0) if lines is None else np.array(lines, dtype=np.int64)
    open_lines = chosen[problem.demand[chosen] > 0]
    if len(open_lines) == 0:
        return None
    need = np.zeros(len(problem.skus), dtype=np.int64)
    np.add.at(need, problem.sku_of[open_lines], problem.demand[open_lines])
    full = (problem.avail[:, cands] >= need[:, None]).all(axis=0)
    full &= problem.allowed[np.ix_(open_lines, cands)].all(axis=0)
    best, best_eval = None, None
    for pos in cands[full]:
        allocation = merged(problem.fixed, {(int(i), int(pos)): int(problem.demand[i]) for i in open_lines})
        evaluation = evaluate(problem, allocation)
        if evaluation.better_than(best_eval):
            best, best_eval = allocation, evaluation
    return best


def _set_cover(problem: Problem) -> Allocation:
    avail = problem.avail.copy()
    demand = problem.demand.copy()
    allocation: Allocation = {}
    limit = problem.sourcing_shipment_limit
    remaining = [int(p) for p in problem.candidates]
    while remaining and demand.sum() > 0 and (limit is None or len(allocation_sources(allocation)) < limit):
        gains = _gains(problem, remaining, avail, demand)
        best = max(
            range(len(remaining)),
            key=lambda j: (
                gains[j],
                -_opening_cost(problem, remaining[j], gains[j]),
                -problem.index.rank[remaining[j]],
            ),
        )
        if gains[best] <= 0:
            break
        pos = remaining.pop(best)
        _fill_from(problem, pos, avail, demand, allocation)
    return merged(problem.fixed, allocation)


def allocation_sources(allocation: Allocation) -> set[int]:
    return {pos for (_, pos) in allocation}


def _opening_cost(problem: Problem, pos: int, units: int) -> float:
    return float(problem.base[pos] + problem.base_adj[pos] + problem.unit[pos] * units)


def _gains(problem: Problem, cands: list[int], avail: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """Units each candidate alone would fill now, items in order, vectorized over candidates."""
    local = avail[:, cands].copy()
    gain = np.zeros(len(cands), dtype=np.int64)
    for item in problem.items:
        lines = list(item.lines)
        if demand[lines].sum() == 0:
            continue
        ok = problem.allowed[np.ix_(lines, cands)].all(axis=0)
        if item.bundle is not None:
            for k, q in _need(problem, item, demand).items():
                ok &= local[k] >= q
            for k, q in _need(problem, item, demand).items():
                local[k] -= ok * q
            gain += ok * int(demand[lines].sum())
        else:
            k = problem.sku_of[lines[0]]
            take = np.minimum(local[k], demand[lines[0]]) * ok
            local[k] -= take
            gain += take
    return gain


def _fill_from(problem: Problem, pos: int, avail: np.ndarray, demand: np.ndarray, allocation: Allocation) -> None:
    for item in problem.items:
        lines = list(item.lines)
        if demand[lines].sum() == 0 or not problem.allowed[lines, pos].all():
            continue
        if item.bundle is not None:
            if _bundle_fits(problem, item, pos, avail, demand):
                _take_bundle(problem, item, pos, avail, allocation, demand)
            continue
        line = lines[0]
        sku = problem.sku_of[line]
        take = int(min(demand[line], avail[sku, pos]))
        if take > 0:
            allocation[(line, pos)] = take
            avail[sku, pos] -= take
            demand[line] -= take


def _need(problem: Problem, item: Item, demand: np.ndarray | None = None) -> dict[int, int]:
    demand = problem.demand if demand is None else demand
    need: dict[int, int] = {}
    for line in item.lines:
        k = int(problem.sku_of[line])
        need[k] = need.get(k, 0) + int(demand[line])
    return need


def _bundle_fits(problem: Problem, item: Item, pos: int, avail: np.ndarray, demand: np.ndarray | None = None) -> bool:
    if not problem.allowed[list(item.lines), pos].all():
        return False
    return all(avail[k, pos] >= q for k, q in _need(problem, item, demand).items())


def _take_bundle(
    problem: Problem, item: Item, pos: int, avail: np.ndarray, allocation: Allocation, demand: np.ndarray | None = None
) -> None:
    demand_of = problem.demand if demand is None else demand
    for line in item.lines:
        qty = int(demand_of[line])
        if qty > 0:
            allocation[(line, pos)] = qty
            avail[problem.sku_of[line], pos] -= qty
    if demand is not None:
        for line in item.lines:
            demand[line] = 0
