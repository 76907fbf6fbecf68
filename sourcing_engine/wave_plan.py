"""What ``source_wave`` answers: one plan per order, the sequential plans, and how it went."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sourcing_engine.plan import Plan


@dataclass(slots=True)
class GroupReport:
    """One jointly solved group (or chunk of a group) of competing orders."""

    orders: list[str]
    improved: bool
    proven: bool
    objective: float
    bound: float
    variables: int
    solve_ms: float
    searched: int = 0  # neighbourhoods re-solved before the whole group's model
    search_saving: float = 0.0  # what those neighbourhoods saved on their start
    split: bool = False  # a chunk of a group split by age: proven (and its gap) for the chunk only

    @property
    def gap(self) -> float:
        """Relative distance between the plan's cost and the best cost still possible."""
        if self.objective <= 0:
            return 0.0
        return max(0.0, (self.objective - self.bound) / self.objective)


@dataclass(slots=True)
class WaveStats:
    orders: int = 0
    time_limit: float = 0.0
    workers: int = 1
    contested_pairs: int = 0
    joint_orders: int = 0
    groups: list[GroupReport] = field(default_factory=list)
    sequential_ms: float = 0.0
    total_ms: float = 0.0

    @property
    def proven(self) -> bool:
        return all(g.proven and not g.split for g in self.groups)

    @property
    def gap(self) -> float:
        """The wave's proven gap: over all joint groups, how much cheaper the optimum could be."""
        objective = sum(g.objective for g in self.groups)
        bound = sum(g.bound for g in self.groups)
        return 0.0 if objective <= 0 else max(0.0, (objective - bound) / objective)


@dataclass(frozen=True, slots=True)
class Totals:
    units: int
    cost: float
    objective: float
    shipments: int

    @classmethod
    def of(cls, plans: list[Plan]) -> Totals:
        return cls(
            units=sum(p.filled_units for p in plans),
            cost=sum(p.total_cost for p in plans),
            objective=sum(p.objective for p in plans),
            shipments=sum(len(p.physical_shipments) for p in plans),
        )

    def as_dict(self) -> dict[str, Any]:
        return {"units": self.units, "cost": round(self.cost, 6), "shipments": self.shipments}


@dataclass(slots=True)
class WavePlan:
    plans: list[Plan]  # in the wave's order
    sequential: list[Plan]  # what sourcing one by one in the same order gave
    stats: WaveStats

    @property
    def totals(self) -> Totals:
        return Totals.of(self.plans)

    @property
    def sequential_totals(self) -> Totals:
        return Totals.of(self.sequential)

    def worse_off(self) -> list[str]:
        """Orders that fill fewer units than sequential sourcing gave them (the guarantee: none)."""
        return [
            plan.order_id
            for plan, seq in zip(self.plans, self.sequential, strict=True)
            if plan.filled_units < seq.filled_units
        ]

    def summary(self) -> dict[str, Any]:
        wave, seq = self.totals, self.sequential_totals
        saving = seq.objective - wave.objective
        return {
            "orders": self.stats.orders,
            "wave": wave.as_dict(),
            "one_by_one": seq.as_dict(),
            "more_units": wave.units - seq.units,
            "saving": round(saving, 6),
            "saving_percent": round(100 * saving / seq.objective, 3) if seq.objective > 0 else 0.0,
            "orders_changed": sum(1 for p, s in zip(self.plans, self.sequential, strict=True) if p is not s),
            "orders_worse_off": len(self.worse_off()),
            "joint_orders": self.stats.joint_orders,
            "groups": len(self.stats.groups),
            "largest_group": max((len(g.orders) for g in self.stats.groups), default=0),
            "contested_pairs": self.stats.contested_pairs,
            "proven": self.stats.proven,
            "gap": round(self.stats.gap, 6),
            "ms": round(self.stats.total_ms, 1),
            "sequential_ms": round(self.stats.sequential_ms, 1),
        }
