"""What a ruleset says about one order, in the rules package's own terms.

The engine translates this into its directives (``sourcing_engine.rules_bridge``).
Source sets are boolean masks over the ``SourceTable``'s sources, in its order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

Partial = Literal["ship", "hold"]


@dataclass(frozen=True, slots=True)
class SourceFilterRule:
    """``exclude`` removes ``sources``; ``only`` keeps nothing but them; for ``lines`` (None: every line)."""

    kind: Literal["exclude", "only"]
    sources: np.ndarray
    rule: str
    lines: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class CostRule:
    """``amount`` per shipment or unit where ``sources`` ship ``lines``; negative amounts are preferences."""

    amount: float
    per: Literal["shipment", "unit"]
    sources: np.ndarray
    rule: str
    lines: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class RuleSettings:
    max_shipments: int | None = None
    split_penalty: float = 0.0
    time_limit: float | None = None  # seconds
    partial: Partial = "ship"
    bundle_split_after: int | None = None  # None: bundles ship together


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """A rule that matched: the whole order (``lines`` None) or some of its lines, and what it did."""

    rule: str
    priority: int
    lines: tuple[str, ...] | None
    effects: tuple[str, ...]

    def describe(self) -> str:
        scope = "the order" if self.lines is None else "line " + ", ".join(self.lines)
        if self.lines is not None and len(self.lines) > 1:
            scope = "lines " + ", ".join(self.lines)
        return f'rule "{self.rule}" matched {scope}: ' + "; ".join(self.effects)


@dataclass(slots=True)
class Verdict:
    filters: list[SourceFilterRule] = field(default_factory=list)
    costs: list[CostRule] = field(default_factory=list)
    settings: RuleSettings = field(default_factory=RuleSettings)
    settings_from: dict[str, str] = field(default_factory=dict)  # setting -> rule name, or "settings"
    backorder: dict[str, bool] = field(default_factory=dict)  # line id -> allowed
    hold: str | None = None
    matches: list[RuleMatch] = field(default_factory=list)

    @property
    def explanation(self) -> list[str]:
        return [match.describe() for match in self.matches]
