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
from sourcing_engine.problem import Allocation, Item, Pairs, Problem

# Orders with fewer (line, source) cells than this walk each line densely; larger ones over the pairs.
DENSE_CELLS = 20_000


class StockOverlay:
    """The problem's stock less what one greedy plan took, without copying the stock matrix.

    Read and written one (SKU, source) cell at a time, as the greedy walks do; the matrix itself
    (SKUs x network sources, tens of megabytes on large networks) stays untouched.
    """

    def __init__(self, base: np.ndarray) -> None:
        self.base = base
        self.changed: dict[tuple[int, int], int] = {}

    def __getitem__(self, cell: tuple[int, int]) -> int:
        key = (int(cell[0]), int(cell[1]))
        found = self.changed.get(key)
        return int(self.base[key]) if found is None else found

    def __setitem__(self, cell: tuple[int, int], value: int) -> None:
        self.changed[(int(cell[0]), int(cell[1]))] = int(value)


def priority_order(problem: Problem) -> list[int]:
    rank = problem.index.rank
    return sorted((int(p) for p in problem.candidates), key=lambda p: rank[p])


def distance_order(problem: Problem) -> list[int]:
    rank, dist = problem.index.rank, problem.dist
    return sorted((int(p) for p in problem.candidates), key=lambda p: (dist[p], rank[p]))


def walk(problem: Problem, order: list[int]) -> Allocation:
    """Magento's walk: each line takes what it can from each source in ``order``."""
    avail = StockOverlay(problem.avail)
    allocation: Allocation = {}
    opened: set[int] = set()
    limit = problem.sourcing_shipment_limit
    sequence = np.array(order, dtype=np.int64)
    holding = _holding_in_order(problem, sequence) if len(problem.lines) * len(sequence) > DENSE_CELLS else None

    def may_open(pos: int) -> bool:
        return pos in opened or limit is None or len(opened) < limit

    for item in problem.items:
        lines = list(item.lines)
        if problem.demand[lines].sum() == 0:
            continue
        if item.bundle is not None:
            fits = problem.allowed[np.ix_(lines, sequence)].all(axis=0)
            for k, q in _need(problem, item).items():
                fits &= problem.avail[k, sequence] >= q  # before this walk took anything: a superset
            for pos in sequence[fits].tolist():  # the sources that fit, in the walk's order
                if may_open(pos) and _bundle_fits(problem, item, pos, avail):
                    _take_bundle(problem, item, pos, avail, allocation)
                    opened.add(pos)
                    break
            continue
        line = lines[0]
        sku = problem.sku_of[line]
        need = int(problem.demand[line])
        if holding is not None:
            sources = holding[line]
        else:  # a small order: one dense pass over the walk is cheaper than the pairs
            sources = sequence[problem.allowed[line, sequence] & (problem.avail[sku, sequence] > 0)].tolist()
        for pos in sources:
            if need == 0:
                break
            if not may_open(pos) or avail[sku, pos] <= 0:
                continue
            take = int(min(need, avail[sku, pos]))
            avail[sku, pos] -= take
            allocation[(line, pos)] = take
            opened.add(pos)
            need -= take
    return merged(problem.fixed, allocation)


def _holding_in_order(problem: Problem, sequence: np.ndarray) -> dict[int, list[int]]:
    """Per line, the sources of ``sequence`` that may ship it and hold its SKU, in the walk's order."""
    cands = problem.candidates
    where = np.full(problem.index.size, len(sequence), dtype=np.int64)
    where[sequence] = np.arange(len(sequence))
    pairs = problem.pairs().open(problem.demand)
    step = where[cands[pairs.at]]
    keep = step < len(sequence)
    lines, step = pairs.line[keep], step[keep]
    order = np.lexsort((step, lines))
    lines, positions = lines[order], sequence[step[order]]
    starts = np.searchsorted(lines, np.arange(len(problem.lines) + 1))
    return {line: positions[starts[line] : starts[line + 1]].tolist() for line in range(len(problem.lines))}


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
    asked = np.flatnonzero(need)
    # Narrow the candidates a few SKUs and lines at a time: on large orders few survive the first.
    fitting = cands
    for chunk in np.array_split(asked, max(1, len(asked) // 8)):
        fitting = fitting[(problem.avail[np.ix_(chunk, fitting)] >= need[chunk, None]).all(axis=0)]
    for chunk in np.array_split(open_lines, max(1, len(open_lines) // 8)):
        fitting = fitting[problem.allowed[np.ix_(chunk, fitting)].all(axis=0)]
    best, best_eval = None, None
    for pos in fitting:
        allocation = merged(problem.fixed, {(int(i), int(pos)): int(problem.demand[i]) for i in open_lines})
        evaluation = evaluate(problem, allocation)
        if evaluation.better_than(best_eval):
            best, best_eval = allocation, evaluation
    return best


def _set_cover(problem: Problem) -> Allocation:
    # Filling from a source changes only that source's stock, and a source is filled from once:
    # the candidates still in the running always see the network's stock as it was.
    avail = StockOverlay(problem.avail)
    demand = problem.demand.copy()
    allocation: Allocation = {}
    limit = problem.sourcing_shipment_limit
    cands = np.array(problem.candidates, dtype=np.int64)
    alive = np.ones(len(cands), dtype=bool)
    rank = problem.index.rank[cands]
    opening = problem.base[cands] + problem.base_adj[cands]
    pairs = problem.pairs() if len(problem.lines) * len(cands) > DENSE_CELLS else None
    while alive.any() and demand.sum() > 0 and (limit is None or len(allocation_sources(allocation)) < limit):
        gains = _gains(problem, cands, problem.avail, demand, pairs)
        # The most units, then the cheapest opening (fixed, per km and per unit), then the best rank.
        order = np.lexsort((rank, opening + problem.unit[cands] * gains, -gains))
        best = int(order[alive[order]][0])
        if gains[best] <= 0:
            break
        alive[best] = False
        _fill_from(problem, int(cands[best]), avail, demand, allocation)
    return merged(problem.fixed, allocation)


def allocation_sources(allocation: Allocation) -> set[int]:
    return {pos for (_, pos) in allocation}


def _gains(problem: Problem, cands: np.ndarray, avail: np.ndarray, demand: np.ndarray, pairs: Pairs) -> np.ndarray:
    """Units each candidate alone would fill now, items in order, vectorized over candidates.

    A single line whose SKU no other item asks for competes with nothing: those are counted for all
    lines at once, over the (line, candidate) pairs that hold stock; the others (bundles, SKUs asked
    twice) in item order, as they compete for stock.
    """
    gain = np.zeros(len(cands), dtype=np.int64)
    alone, shared = _independent_lines(problem, demand)
    if len(alone) and pairs is None:  # a small order: dense over its lines and candidates
        held = np.minimum(avail[np.ix_(problem.sku_of[alone], cands)], demand[alone][:, None])
        gain += (held * problem.allowed[np.ix_(alone, cands)]).sum(axis=0)
    elif len(alone):
        is_alone = np.zeros(len(problem.lines), dtype=bool)
        is_alone[alone] = True
        lines, at = pairs.line, pairs.at
        chosen = is_alone[lines]
        lines, at = lines[chosen], at[chosen]
        take = np.minimum(avail[problem.sku_of[lines], cands[at]], demand[lines])
        gain += np.bincount(at, weights=take, minlength=len(cands)).round().astype(np.int64)
    if not shared:
        return gain
    rows = sorted({int(problem.sku_of[line]) for item in shared for line in item.lines})
    row_of = {k: r for r, k in enumerate(rows)}
    local = avail[np.ix_(rows, cands)]
    for item in shared:
        lines = list(item.lines)
        ok = problem.allowed[np.ix_(lines, cands)].all(axis=0)
        if item.bundle is not None:
            need = _need(problem, item, demand)
            for k, q in need.items():
                ok &= local[row_of[k]] >= q
            for k, q in need.items():
                local[row_of[k]] -= ok * q
            gain += ok * int(demand[lines].sum())
        else:
            r = row_of[int(problem.sku_of[lines[0]])]
            take = np.minimum(local[r], demand[lines[0]]) * ok
            local[r] -= take
            gain += take
    return gain


def _independent_lines(problem: Problem, demand: np.ndarray) -> tuple[np.ndarray, list[Item]]:
    """Open single lines whose SKU appears in no other open item; and the other open items, in order."""
    open_items = [item for item in problem.items if demand[list(item.lines)].sum() > 0]
    askers: dict[int, int] = {}
    for item in open_items:
        for k in {int(problem.sku_of[line]) for line in item.lines}:
            askers[k] = askers.get(k, 0) + 1
    alone = [
        item.lines[0] for item in open_items if item.bundle is None and askers[int(problem.sku_of[item.lines[0]])] == 1
    ]
    chosen = set(alone)
    shared = [item for item in open_items if item.bundle is not None or item.lines[0] not in chosen]
    return np.array(alone, dtype=np.int64), shared


def _fill_from(problem: Problem, pos: int, avail: StockOverlay, demand: np.ndarray, allocation: Allocation) -> None:
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


def _bundle_fits(problem: Problem, item: Item, pos: int, avail: StockOverlay, demand: np.ndarray | None = None) -> bool:
    if not problem.allowed[list(item.lines), pos].all():
        return False
    return all(avail[k, pos] >= q for k, q in _need(problem, item, demand).items())


def _take_bundle(
    problem: Problem,
    item: Item,
    pos: int,
    avail: StockOverlay,
    allocation: Allocation,
    demand: np.ndarray | None = None,
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
