"""Which sources may ship a line: capability and enablement, then the rules' filters.

Rules combine as the rules language says: ``exclude`` sets are united,
``only`` sets intersected.  What the rules removed is remembered by rule name
so that a line left without a source can say which rules did it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sourcing_engine.directives import Directives
from sourcing_engine.model import OrderLine
from sourcing_engine.network_index import NetworkIndex


@dataclass(frozen=True, slots=True)
class LineEligibility:
    allowed: np.ndarray  # over network sources
    capable: np.ndarray  # before the rules
    rules: tuple[str, ...]  # rules that removed at least one capable source holding stock

    def rules_removing(self, stocked: np.ndarray) -> tuple[str, ...]:
        return self.rules if (self.capable & stocked & ~self.allowed).any() else ()


def line_eligibility(
    line: OrderLine, directives: Directives, capable: np.ndarray, index: NetworkIndex
) -> LineEligibility:
    allowed = capable.copy()
    removing: list[str] = []
    stocked = index.available(line.sku) > 0
    for flt in directives.excludes:
        if flt.lines is None or line.id in flt.lines:
            hit = allowed & flt.sources
            if (hit & stocked).any():
                removing.append(flt.rule)
            allowed &= ~flt.sources
    for flt in directives.onlys:
        if flt.lines is None or line.id in flt.lines:
            hit = allowed & ~flt.sources
            if (hit & stocked).any():
                removing.append(flt.rule)
            allowed &= flt.sources
    return LineEligibility(allowed=allowed, capable=capable, rules=tuple(dict.fromkeys(removing)))
