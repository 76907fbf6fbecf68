"""A book of available stock for the checks, kept apart from the engine's ``NetworkIndex``.

The plan validator and the benchmarks' exact MIP read stock from here,
computed from the raw stock rows by the contract's rule, so that a mistake in
the engine's arrays cannot hide itself by being shared with the checks.
"""

from __future__ import annotations

from collections.abc import Iterable

from sourcing_engine.model import Network

UNLIMITED = float("inf")


class StockLedger:
    def __init__(self, network: Network) -> None:
        self.network = network
        unmanaged = {p.sku for p in network.products if not p.manage_stock}
        self._unmanaged = unmanaged
        self._avail: dict[tuple[str, str], float] = {}
        for row in network.stock:
            if row.unlimited or row.sku in unmanaged:
                self._avail[(row.source, row.sku)] = UNLIMITED
            else:
                self._avail[(row.source, row.sku)] = max(0, row.on_hand - row.reserved - row.safety_stock)

    def available(self, source: str, sku: str) -> float:
        """Units of ``sku`` ``source`` can still give: the contract's formula, less what plans took."""
        if sku in self._unmanaged:
            return UNLIMITED
        return self._avail.get((source, sku), 0)

    def is_unlimited(self, source: str, sku: str) -> bool:
        return self._avail.get((source, sku)) == UNLIMITED

    def take(self, taken: Iterable[tuple[str, str, int]]) -> None:
        for source, sku, qty in taken:
            key = (source, sku)
            left = self._avail.get(key, 0)
            if left != UNLIMITED:
                self._avail[key] = max(0, left - qty)

    def copy(self) -> StockLedger:
        twin = object.__new__(StockLedger)
        twin.network, twin._unmanaged, twin._avail = self.network, self._unmanaged, dict(self._avail)
        return twin
