"""Directives: what callers (the rules, the OMS) tell the engine beyond the order.

Source sets are boolean masks over the network's sources in ``NetworkIndex``
order, so the rules compiler can hand over its vectorized predicates as they
are.  ``lines=None`` means the whole order.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Literal

import numpy as np

PartialPolicy = Literal["ship", "hold"]


@dataclass(frozen=True, slots=True)
class SourceFilter:
    """``exclude`` (sources removed) or ``only`` (sources kept) for some lines."""

    sources: np.ndarray
    rule: str
    lines: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class CostTerm:
    """An amount added per shipment or per unit where ``sources`` ship ``lines``.

    Negative amounts are preferences.  A per-shipment term counts once per
    shipment that contains at least one of its lines.
    """

    amount: float
    per: Literal["shipment", "unit"]
    sources: np.ndarray
    rule: str
    lines: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    max_shipments: int | None = None
    split_penalty: float = 0.0
    time_limit: float | None = None
    partial: PartialPolicy = "ship"
    bundle_split_after: int | None = None  # None: bundles always ship together

    def overridden_by(self, other: Settings) -> Settings:
        """These settings with every one ``other`` sets (differs from the default) taken from it."""
        changes = {f.name: getattr(other, f.name) for f in fields(Settings) if getattr(other, f.name) != f.default}
        return replace(self, **changes)


@dataclass(slots=True)
class Directives:
    excludes: list[SourceFilter] = field(default_factory=list)
    onlys: list[SourceFilter] = field(default_factory=list)
    cost_terms: list[CostTerm] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    backorder: dict[str, bool] = field(default_factory=dict)  # line id -> allowed
    hold: str | None = None
    explanation: list[str] = field(default_factory=list)

    def combined(self, other: Directives) -> Directives:
        """Both sets of directives at once; the settings and backorder choices ``other`` makes win."""
        return Directives(
            excludes=self.excludes + other.excludes,
            onlys=self.onlys + other.onlys,
            cost_terms=self.cost_terms + other.cost_terms,
            settings=self.settings.overridden_by(other.settings),
            backorder={**self.backorder, **other.backorder},
            hold=self.hold if self.hold is not None else other.hold,
            explanation=self.explanation + other.explanation,
        )


NO_DIRECTIVES = Directives()
