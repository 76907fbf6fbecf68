"""The MIP as plain arrays: columns with bounds and three objective vectors, rows in sparse form."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

INF = float("inf")


@dataclass(slots=True)
class Rows:
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    entries: list[tuple[list[int], list[float]]] = field(default_factory=list)

    def add(self, cols: list[int], coefs: list[float], lower: float = -INF, upper: float = INF) -> None:
        self.entries.append((cols, coefs))
        self.lower.append(lower)
        self.upper.append(upper)

    def csr(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        starts = np.cumsum([0] + [len(c) for c, _ in self.entries[:-1]]).astype(np.int32)
        index = np.array([i for c, _ in self.entries for i in c], dtype=np.int32)
        value = np.array([v for _, c in self.entries for v in c], dtype=float)
        return starts, index, value


@dataclass(slots=True)
class Formulation:
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    fill: list[float] = field(default_factory=list)
    cost: list[float] = field(default_factory=list)
    adj: list[float] = field(default_factory=list)
    rows: Rows = field(default_factory=Rows)
    opens: dict[int, int] = field(default_factory=dict)  # source position -> z column
    fixed_units: int = 0
    store_fixed: bool = False
    constant_cost: float = 0.0
    constant_adjustment: float = 0.0
    first_shipment_credit: float = 0.0  # taken off the objective when at least one shipment opens

    def column(self, lower: float, upper: float, fill: float = 0.0, cost: float = 0.0, adj: float = 0.0) -> int:
        self.lower.append(lower)
        self.upper.append(upper)
        self.fill.append(fill)
        self.cost.append(cost)
        self.adj.append(adj)
        return len(self.lower) - 1

    @property
    def columns(self) -> int:
        return len(self.lower)

    @property
    def fill_coef(self) -> np.ndarray:
        return np.array(self.fill, dtype=float)

    @property
    def cost_coef(self) -> np.ndarray:
        return np.array(self.cost, dtype=float)

    @property
    def adj_coef(self) -> np.ndarray:
        return np.array(self.adj, dtype=float)

    @property
    def open_columns(self) -> list[int]:
        return list(self.opens.values())
