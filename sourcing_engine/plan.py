"""What the engine answers: a plan of shipments, backorders and unsourced units."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ShipmentKind = Literal["ship", "pickup", "ship_to_store", "virtual", "preshipped"]
UnsourcedReason = Literal[
    "out_of_stock",
    "bundle_not_in_one_source",
    "no_eligible_source",
    "excluded_by_rule",
    "shipment_limit",
    "on_hold",
    "waiting_for_complete",
]

CUSTOMER = "customer"
PHYSICAL_KINDS = frozenset({"ship", "pickup", "ship_to_store"})


@dataclass(frozen=True, slots=True)
class PlannedLine:
    line_id: str
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Shipment:
    source: str
    kind: ShipmentKind
    destination: str
    lines: tuple[PlannedLine, ...]
    cost: float
    distance_km: float = 0.0

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass(frozen=True, slots=True)
class Backorder:
    line_id: str
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Unsourced:
    line_id: str
    sku: str
    quantity: int
    reason: UnsourcedReason
    rules: tuple[str, ...] = ()


@dataclass(slots=True)
class PlanStats:
    """How the plan was found; not part of the plan's meaning."""

    path: str = ""
    candidate_sources: int = 0
    modelled_sources: int = 0  # candidates left in the model after dominance pruning
    variables: int = 0
    build_ms: float = 0.0
    solve_ms: float = 0.0
    total_ms: float = 0.0
    rules_ms: float = 0.0
    fallback: bool = False
    hit_time_limit: bool = False


@dataclass(slots=True)
class Plan:
    order_id: str
    strategy: str
    optimal: bool
    shipments: list[Shipment]
    backorders: list[Backorder]
    unsourced: list[Unsourced]
    explanation: list[str] = field(default_factory=list)
    hold: str | None = None
    rule_adjustment: float = 0.0
    stats: PlanStats = field(default_factory=PlanStats)
    cost_resolution: float | None = None  # set when a solver compared costs as integers: its step of money

    @property
    def total_cost(self) -> float:
        return sum(shipment.cost for shipment in self.shipments)

    @property
    def objective(self) -> float:
        """The cost the strategy minimised: shipping cost plus rule preferences."""
        return self.total_cost + self.rule_adjustment

    @property
    def physical_shipments(self) -> list[Shipment]:
        return [s for s in self.shipments if s.kind in PHYSICAL_KINDS]

    @property
    def filled_units(self) -> int:
        """Units filled from stock (virtual and pre-shipped lines not counted)."""
        return sum(s.units for s in self.physical_shipments)
