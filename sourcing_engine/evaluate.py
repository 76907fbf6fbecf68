"""The exact (floating point) worth of an allocation, the one yardstick for every strategy.

Plans are ordered lexicographically: more units filled, then lower objective
(shipping cost plus the rules' preferences and split penalty), then fewer
shipments, then sources of better rank (priority, then code).
"""

from __future__ import annotations

from dataclasses import dataclass

from sourcing_engine.problem import Allocation, Problem

# Objectives closer than this are equal: it absorbs float noise, not money.
COST_EPSILON = 1e-7


@dataclass(frozen=True, slots=True)
class Evaluation:
    filled: int
    cost: float  # shipping cost by the contract's formula
    adjustment: float  # what the rules and split penalty add on top
    shipments: int
    rank_sum: int
    units_at: dict[int, int]  # network position -> units shipped from it

    @property
    def objective(self) -> float:
        return self.cost + self.adjustment

    def key(self) -> tuple[int, float, int, int]:
        return (-self.filled, round(self.objective / COST_EPSILON) * COST_EPSILON, self.shipments, self.rank_sum)

    def better_than(self, other: Evaluation | None) -> bool:
        return other is None or self.key() < other.key()


def evaluate(problem: Problem, allocation: Allocation) -> Evaluation:
    units_at: dict[int, int] = {}
    adjustment = 0.0
    for (line, pos), qty in allocation.items():
        if qty <= 0:
            continue
        units_at[pos] = units_at.get(pos, 0) + qty
        adjustment += qty * problem.unit_adj[line, pos]
    cost = 0.0
    for pos, units in units_at.items():
        cost += problem.base[pos] + problem.unit[pos] * units
        adjustment += problem.base_adj[pos]
    if units_at:
        adjustment -= problem.split_penalty  # the first shipment is no split
    adjustment += _line_terms(problem, allocation)
    return Evaluation(
        filled=sum(units_at.values()),
        cost=float(cost),
        adjustment=float(adjustment),
        shipments=len(units_at),
        rank_sum=int(sum(int(problem.index.rank[pos]) for pos in units_at)),
        units_at=units_at,
    )


def _line_terms(problem: Problem, allocation: Allocation) -> float:
    if not problem.line_terms:
        return 0.0
    total = 0.0
    for term in problem.line_terms:
        lines = set(term.lines)
        hit = {pos for (line, pos), qty in allocation.items() if qty > 0 and line in lines and term.sources[pos]}
        total += term.amount * len(hit)
    return total


def merged(*allocations: Allocation) -> Allocation:
    out: Allocation = {}
    for allocation in allocations:
        for key, qty in allocation.items():
            if qty > 0:
                out[key] = out.get(key, 0) + qty
    return out
