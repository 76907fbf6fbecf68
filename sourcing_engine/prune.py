"""Dominance pruning: candidate sources no optimal plan needs, dropped before the model is built.

Source ``B`` dominates source ``A`` for this order when

- ``B`` may ship every line of every SKU that ``A`` could ship, and holds the order's whole demand of
  each of those SKUs (so it can absorb anything ``A`` would ship, on top of what it ships itself);
- opening a shipment at ``B`` costs no more than at ``A``, and ``A``'s opening is not a credit;
- every unit costs no more at ``B`` than at ``A`` (rule amounts per unit included, bounded per line);
- and ``B`` is strictly better on one of these or comes first in the sources' priority order.

Then any plan that uses ``A`` gets strictly better in the objective's lexicographic order (money,
then shipments, then source rank) by moving all of ``A``'s units to ``B``: the same units are filled,
every bundle stays whole, no more shipments open, and the money does not grow.  So no optimal plan
uses a dominated source, and the relation is transitive and acyclic, so every dropped source has a
dominator that is kept.  Per-shipment rule amounts on some lines only (``line_terms``) depend on which
lines share a shipment; with those, nothing is pruned.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sourcing_engine.problem import Allocation, Problem

ENABLED = True
# Pairwise comparisons beyond this many (candidates^2 x SKU bytes) are not worth their time.
MAX_PAIR_BYTES = 4_000_000
CHUNK = 64  # dominated candidates tested at once


@dataclass(slots=True)
class Pruned:
    problem: Problem  # the same problem over the kept candidates
    dominator: dict[int, int]  # dropped source -> a kept source that dominates it

    def moved(self, allocation: Allocation) -> Allocation:
        """``allocation`` with every dropped source's units moved to its dominator (feasible, no worse)."""
        out: Allocation = {}
        for (line, pos), qty in allocation.items():
            key = (line, self.dominator.get(pos, pos)) if (line, pos) not in self.problem.fixed else (line, pos)
            out[key] = out.get(key, 0) + qty
        return out


def prune(problem: Problem) -> Pruned:
    cands = problem.candidates
    none = Pruned(problem, {})
    if not ENABLED or problem.line_terms or len(cands) < 2:
        return none
    open_lines = np.flatnonzero(problem.demand > 0)
    skus = np.unique(problem.sku_of[open_lines])
    has, full = _coverage(problem, open_lines, skus, cands)
    # Who may dominate: every candidate, or on very large orders the broadest (most SKUs held in full),
    # so that the pairwise test stays within MAX_PAIR_BYTES.  Any dominator proves a drop.
    width = (len(skus) + 7) // 8
    pool_size = max(1, min(len(cands), MAX_PAIR_BYTES // (len(cands) * width)))
    pool = np.sort(np.argsort(-full.sum(axis=0), kind="stable")[:pool_size])
    opening = problem.base[cands] + problem.base_adj[cands]
    unit_hi = unit_lo = problem.unit[cands]
    if problem.unit_adj.any():  # rule amounts per unit: bounded over the order's lines
        adj = problem.unit_adj[np.ix_(open_lines, cands)]
        unit_hi, unit_lo = unit_hi + adj.max(axis=0), unit_lo + adj.min(axis=0)
    rank = problem.index.rank[cands]
    has_bits, full_bits = _words(has), _words(full)  # candidates x 64-bit words
    dominated = np.zeros(len(cands), dtype=bool)
    best_dominator = np.full(len(cands), -1, dtype=np.int64)
    prunable = np.flatnonzero(opening >= 0)  # a shipment credit might be worth keeping
    b_full, b_open, b_hi, b_rank = full_bits[pool], opening[pool], unit_hi[pool], rank[pool]
    for chunk in np.array_split(prunable, max(1, len(prunable) // CHUNK)):
        a = chunk[:, None]
        outside = has_bits[chunk][:, None, :] & ~b_full[None, :, :]  # what a holds that b does not in full
        covers = (outside[:, :, 0] == 0) if outside.shape[2] == 1 else ~outside.any(axis=2)
        cheaper = (b_open <= opening[a]) & (b_hi <= unit_lo[a])
        strict = (b_open < opening[a]) | (b_hi < unit_lo[a]) | (b_rank < rank[a])
        ok = covers & cheaper & strict & (pool != a)
        found = ok.any(axis=1)
        dominated[chunk[found]] = True
        # The first-ranked dominator: a stable choice, so that plans do not depend on array order.
        best_dominator[chunk[found]] = pool[np.argmin(np.where(ok[found], b_rank, np.iinfo(np.int64).max), axis=1)]
    if not dominated.any():
        return none
    dominator = {}
    for a in np.flatnonzero(dominated):
        b = best_dominator[a]
        while dominated[b]:  # follow the chain to a kept source: it dominates ``a`` too
            b = best_dominator[b]
        dominator[int(cands[a])] = int(cands[b])
    return Pruned(replace(problem, candidates=cands[~dominated]), dominator)


def _words(flags: np.ndarray) -> np.ndarray:
    """SKUs x candidates flags as candidates x 64-bit words, so that subset tests are word operations."""
    packed = np.packbits(flags, axis=0).T  # candidates x bytes
    padded = np.zeros((packed.shape[0], -(-packed.shape[1] // 8) * 8), dtype=np.uint8)
    padded[:, : packed.shape[1]] = packed
    return padded.view(np.uint64)


def _coverage(
    problem: Problem, open_lines: np.ndarray, skus: np.ndarray, cands: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """SKUs x candidates: could ship some of it (``has``); may ship all its lines and holds all of it (``full``)."""
    need = np.zeros(len(problem.skus), dtype=np.int64)
    np.add.at(need, problem.sku_of[open_lines], problem.demand[open_lines])
    avail = problem.avail[np.ix_(skus, cands)]
    allowed = problem.allowed[np.ix_(open_lines, cands)]
    rows = np.searchsorted(skus, problem.sku_of[open_lines])
    order = np.argsort(rows, kind="stable")
    starts = np.flatnonzero(np.r_[True, rows[order][1:] != rows[order][:-1]])
    any_allowed = np.logical_or.reduceat(allowed[order], starts, axis=0)
    all_allowed = np.logical_and.reduceat(allowed[order], starts, axis=0)
    has = any_allowed & (avail > 0)
    full = all_allowed & (avail >= need[skus][:, None])
    return has, full
