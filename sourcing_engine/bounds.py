"""Cheap bounds that let the optimal strategy skip the solver when they already prove the answer."""

from __future__ import annotations

import numpy as np

from sourcing_engine.evaluate import evaluate
from sourcing_engine.problem import Problem


def item_fill_bounds(problem: Problem) -> list[int]:
    """Per item, the most units it could get if it had the network to itself (per SKU pooled)."""
    cands = problem.candidates
    bounds: list[int] = []
    pooled = _pooled_sku_bounds(problem)
    # Per line, the stock of its SKU at the candidates that may ship it.
    pairs = problem.pairs()
    reach = np.zeros(len(problem.lines), dtype=np.int64)
    np.add.at(reach, pairs.line, pairs.avail)
    for item in problem.items:
        lines = list(item.lines)
        units = int(problem.demand[lines].sum())
        if units == 0:
            bounds.append(0)
        elif item.bundle is not None:
            bounds.append(units if _bundle_fits_somewhere(problem, lines, cands) else 0)
        else:
            line = lines[0]
            bounds.append(min(units, int(reach[line]), pooled[int(problem.sku_of[line])]))
    return bounds


def _pooled_sku_bounds(problem: Problem) -> dict[int, int]:
    """Per SKU, its stock at the candidates that may ship at least one of its lines."""
    pairs = problem.pairs()
    sku = problem.sku_of[pairs.line]
    _, first = np.unique(sku * max(1, len(problem.candidates)) + pairs.at, return_index=True)
    totals = np.zeros(len(problem.skus), dtype=np.int64)
    np.add.at(totals, sku[first], pairs.avail[first])
    return {k: int(totals[k]) for k in range(len(problem.skus))}


def _bundle_fits_somewhere(problem: Problem, lines: list[int], cands: np.ndarray) -> bool:
    ok = problem.allowed[np.ix_(lines, cands)].all(axis=0)
    need: dict[int, int] = {}
    for line in lines:
        k = int(problem.sku_of[line])
        need[k] = need.get(k, 0) + int(problem.demand[line])
    for k, q in need.items():
        ok &= problem.avail[k, cands] >= q
    return bool(ok.any())


def fill_upper_bound(problem: Problem, item_bounds: list[int] | None = None) -> int:
    """Bundles counted whole where some source fits them, single lines capped per SKU."""
    pooled = _pooled_sku_bounds(problem)
    per_sku: dict[int, int] = {}
    total = 0
    bounds = item_fill_bounds(problem) if item_bounds is None else item_bounds
    for item, bound in zip(problem.items, bounds, strict=True):
        if item.bundle is not None:
            total += bound
        else:
            k = int(problem.sku_of[item.lines[0]])
            per_sku[k] = per_sku.get(k, 0) + bound
    return total + sum(min(units, pooled[k]) for k, units in per_sku.items())


def multi_shipment_lower_bound(problem: Problem, lines: list[int]) -> float:
    """No plan that fills ``lines`` fully with two or more new shipments costs less than this."""
    cands = problem.candidates
    fixed = evaluate(problem, problem.fixed)
    opening = np.sort(problem.base[cands] + problem.base_adj[cands])
    if len(opening) < 2:
        return float("inf")
    bound = fixed.objective + float(opening[:2].sum()) + float(opening[2:][opening[2:] < 0].sum())
    if not problem.fixed:
        bound -= problem.split_penalty  # the first shipment carries no split penalty
    for line in lines:
        ok = problem.allowed[line, cands] & (problem.avail[problem.sku_of[line], cands] > 0)
        if not ok.any():
            return float("inf")
        per_unit = problem.unit[cands[ok]] + problem.unit_adj[line, cands[ok]]
        bound += float(problem.demand[line]) * float(per_unit.min())
    for term in problem.line_terms:
        if term.amount < 0:
            bound += term.amount * int(term.sources[cands].sum())
    return bound
