"""Decompose a wave: which orders compete for stock, and which can be solved alone.

A (SKU, source) pair is *contested* when two or more orders of the wave could
take from it and together could want more than it holds.  Orders joined by
contested pairs form a connected group that must be solved jointly; an order
that touches no contested pair sees the same stock whatever the others do, so
sourcing it alone is already optimal for the wave.
"""

from __future__ import annotations

import copy

import numpy as np

from sourcing_engine.network_index import UNLIMITED, NetworkIndex
from sourcing_engine.problem import Problem

Pair = tuple[str, int]  # (sku, network position)


def copy_index(index: NetworkIndex) -> NetworkIndex:
    """A twin of ``index`` whose stock can be taken from without touching the original."""
    twin = copy.copy(index)
    for name, value in vars(index).items():
        if isinstance(value, dict) and value and all(isinstance(v, np.ndarray) for v in value.values()):
            setattr(twin, name, {key: array.copy() for key, array in value.items()})
    return twin


def potential(problem: Problem) -> dict[Pair, int]:
    """The most units ``problem``'s order could take at each (SKU, source) pair it may use."""
    out: dict[Pair, int] = {}
    cands = problem.candidates
    if len(cands) == 0:
        return out
    for i, line in enumerate(problem.lines):
        demand = int(problem.demand[i])
        if demand <= 0:
            continue
        k = int(problem.sku_of[i])
        usable = cands[problem.allowed[i, cands] & (problem.avail[k, cands] > 0)]
        for pos in usable.tolist():
            key = (line.sku, pos)
            out[key] = out.get(key, 0) + demand
    return out


def contested_pairs(problems: list[Problem], wants: list[dict[Pair, int]]) -> set[Pair]:
    total: dict[Pair, int] = {}
    askers: dict[Pair, int] = {}
    avail: dict[Pair, int] = {}
    for problem, want in zip(problems, wants, strict=True):
        for key, qty in want.items():
            total[key] = total.get(key, 0) + qty
            askers[key] = askers.get(key, 0) + 1
            if key not in avail:
                sku, pos = key
                avail[key] = int(problem.index.available(sku)[pos])
    return {key for key, qty in total.items() if askers[key] > 1 and avail[key] < UNLIMITED and qty > avail[key]}


def connected_groups(wants: list[dict[Pair, int]], contested: set[Pair]) -> list[list[int]]:
    """Orders (by wave position) joined by contested pairs; singletons included, oldest first."""
    parent = list(range(len(wants)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    first_at: dict[Pair, int] = {}
    for o, want in enumerate(wants):
        for key in want:
            if key not in contested:
                continue
            other = first_at.setdefault(key, o)
            ra, rb = find(o), find(other)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for o in range(len(wants)):
        groups.setdefault(find(o), []).append(o)
    return sorted(groups.values(), key=lambda g: g[0])


def split_by_age(group: list[int], max_size: int) -> list[list[int]]:
    """A group too large to solve at once, cut into consecutive chunks of the wave's order."""
    return [group[i : i + max_size] for i in range(0, len(group), max_size)]
