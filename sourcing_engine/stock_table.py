"""Stock rows held as columns: a network's stock without one Python object per row.

A 1,000-source network has tens of thousands of stock rows.  ``StockTable``
keeps them as two lists of codes and four arrays, reads as a sequence of
``StockRow`` for the code that wants rows (validators, exports), and lets
``NetworkIndex`` build its stock matrix in a few vectorized steps.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

import numpy as np

from sourcing_engine.model import StockRow


class StockTable(Sequence[StockRow]):
    def __init__(
        self,
        source: list[str],
        sku: list[str],
        on_hand: np.ndarray,
        reserved: np.ndarray,
        safety_stock: np.ndarray,
        unlimited: np.ndarray,
    ) -> None:
        self.source, self.sku = source, sku
        self.on_hand, self.reserved, self.safety_stock, self.unlimited = on_hand, reserved, safety_stock, unlimited

    @classmethod
    def from_rows(cls, rows: Sequence[StockRow]) -> StockTable:
        if isinstance(rows, StockTable):
            return rows
        return cls(
            [r.source for r in rows],
            [r.sku for r in rows],
            np.array([r.on_hand for r in rows], dtype=np.int64),
            np.array([r.reserved for r in rows], dtype=np.int64),
            np.array([r.safety_stock for r in rows], dtype=np.int64),
            np.array([r.unlimited for r in rows], dtype=bool),
        )

    @property
    def available(self) -> np.ndarray:
        """The contract's available quantity of every row: on hand less reserved and safety stock, at least 0."""
        return np.maximum(0, self.on_hand - self.reserved - self.safety_stock)

    def __len__(self) -> int:
        return len(self.source)

    @overload
    def __getitem__(self, i: int) -> StockRow: ...
    @overload
    def __getitem__(self, i: slice) -> list[StockRow]: ...
    def __getitem__(self, i: int | slice) -> StockRow | list[StockRow]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return StockRow(
            self.source[i],
            self.sku[i],
            int(self.on_hand[i]),
            int(self.reserved[i]),
            int(self.safety_stock[i]),
            bool(self.unlimited[i]),
        )

    def __iter__(self) -> Iterator[StockRow]:
        for i in range(len(self)):
            yield self[i]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __repr__(self) -> str:
        return f"StockTable({len(self)} rows)"
