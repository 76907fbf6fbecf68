"""From an allocation to the plan the contract describes.

Every unit of every line lands exactly once: in a shipment, in backorders, or
in unsourced with the reason it could not be filled.
"""

from __future__ import annotations

import numpy as np

from sourcing_engine.evaluate import evaluate
from sourcing_engine.plan import Backorder, PlannedLine, Shipment, Unsourced, UnsourcedReason
from sourcing_engine.problem import Allocation, Item, Problem
from sourcing_engine.special_lines import SpecialOutcome

KIND_ORDER = {"pickup": 0, "ship_to_store": 1, "ship": 2}


def physical_shipments(problem: Problem, allocation: Allocation) -> list[Shipment]:
    by_source: dict[int, list[tuple[int, int]]] = {}
    for (line, pos), qty in sorted(allocation.items()):
        if qty > 0:
            by_source.setdefault(pos, []).append((line, qty))
    shipments = []
    for pos, taken in by_source.items():
        kind = problem.kind_at(pos)
        units = sum(q for _, q in taken)
        cost = float(problem.base[pos] + problem.unit[pos] * units)
        planned = tuple(PlannedLine(problem.lines[i].id, problem.lines[i].sku, q) for i, q in taken)
        shipments.append(
            Shipment(problem.index.codes[pos], kind, problem.destination, planned, cost, float(problem.dist[pos]))
        )
    rank = problem.index.rank
    shipments.sort(key=lambda s: (KIND_ORDER[s.kind], rank[problem.index.position[s.source]]))
    return shipments


def adjustment(problem: Problem, allocation: Allocation) -> float:
    return evaluate(problem, allocation).adjustment


def shortfalls(problem: Problem, allocation: Allocation) -> tuple[list[Backorder], list[Unsourced]]:
    filled = np.zeros(len(problem.lines), dtype=np.int64)
    used: dict[int, dict[int, int]] = {}  # sku -> source -> units this plan takes (sparse: orders are small)
    for (line, pos), qty in allocation.items():
        filled[line] += qty
        if (line, pos) not in problem.fixed:
            at = used.setdefault(int(problem.sku_of[line]), {})
            at[pos] = at.get(pos, 0) + qty
    left = _Left(problem.avail, used)
    backorders: list[Backorder] = []
    unsourced: list[Unsourced] = []
    for item in problem.items:
        lines = list(item.lines)
        short = {i: problem.lines[i].quantity - int(filled[i]) for i in lines}
        if not any(short.values()):
            continue
        backorderable = all(problem.backorderable[i] for i in lines)
        reason, rules = _reason(problem, item, left) if not backorderable else ("out_of_stock", ())
        for i in lines:
            if short[i] <= 0:
                continue
            line = problem.lines[i]
            if backorderable:
                backorders.append(Backorder(line.id, line.sku, short[i]))
            else:
                unsourced.append(Unsourced(line.id, line.sku, short[i], reason, rules))
    return backorders, unsourced


class _Left:
    """The stock a plan leaves, one SKU's row at a time (only short lines ask)."""

    def __init__(self, avail: np.ndarray, used: dict[int, dict[int, int]]) -> None:
        self.avail, self.used = avail, used

    def __getitem__(self, sku: int) -> np.ndarray:
        row = self.avail[sku].copy()
        for pos, qty in self.used.get(int(sku), {}).items():
            row[pos] -= qty
        return row


def _reason(problem: Problem, item: Item, left: _Left) -> tuple[UnsourcedReason, tuple[str, ...]]:
    lines = list(item.lines)
    stocked = [problem.index.available(problem.lines[i].sku) > 0 for i in lines]
    eligible = [problem.eligibility[i] for i in lines]
    if not any(e.capable.any() for e in eligible):
        return "no_eligible_source", ()
    rules = tuple(dict.fromkeys(r for e, s in zip(eligible, stocked, strict=True) for r in e.rules_removing(s)))
    if any(not (e.allowed & s).any() for e, s in zip(eligible, stocked, strict=True)):
        return ("excluded_by_rule", rules) if rules else ("out_of_stock", ())
    if item.bundle is not None and _stock_left_for(problem, lines, left):
        return "bundle_not_in_one_source", ()
    if problem.max_shipments is not None and _stock_left_for(problem, lines, left):
        return "shipment_limit", ()
    return "out_of_stock", ()


def _stock_left_for(problem: Problem, lines: list[int], left: _Left) -> bool:
    return all((problem.allowed[i] & (left[problem.sku_of[i]] > 0)).any() for i in lines)


def special_shortfalls(
    outcome: SpecialOutcome, lines_by_id: dict, backorderable: dict[str, bool]
) -> tuple[list[Backorder], list[Unsourced]]:
    backorders: list[Backorder] = []
    unsourced: list[Unsourced] = []
    for line_id in outcome.no_source:
        line = lines_by_id[line_id]
        unsourced.append(Unsourced(line.id, line.sku, line.quantity, "no_eligible_source"))
    for line_id, qty in outcome.short.items():
        line = lines_by_id[line_id]
        if backorderable[line_id]:
            backorders.append(Backorder(line.id, line.sku, qty))
        else:
            unsourced.append(Unsourced(line.id, line.sku, qty, "out_of_stock"))
    return backorders, unsourced


REASON_TEXT = {
    "out_of_stock": "no eligible source has the stock",
    "bundle_not_in_one_source": "no single source holds the whole bundle",
    "no_eligible_source": "no enabled source can deliver this way",
    "excluded_by_rule": "the rules leave no source",
    "shipment_limit": "the shipment limit is reached",
}


def shortfall_notes(backorders: list[Backorder], unsourced: list[Unsourced]) -> list[str]:
    notes = [f"line {b.line_id} ({b.sku}): {b.quantity} unit(s) backordered" for b in backorders]
    for u in unsourced:
        why = REASON_TEXT.get(u.reason, u.reason)
        rules = f" ({', '.join(u.rules)})" if u.rules else ""
        notes.append(f"line {u.line_id} ({u.sku}): {u.quantity} unit(s) unsourced: {why}{rules}")
    return notes
