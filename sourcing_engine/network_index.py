"""The network as arrays, built once and reused for every order it sources.

Sourcing a stream of orders deducts what each plan takes through ``take``,
so the next order sees the stock that is left.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from sourcing_engine.model import PICKUP, SHIP, SHIP_TO_STORE, Network, Product, Source
from sourcing_engine.stock_table import StockTable

# Large enough to never run out, small enough that sums stay exact in int64.
UNLIMITED = 10**12


class NetworkIndex:
    def __init__(self, network: Network) -> None:
        self.network = network
        self.sources: list[Source] = list(network.sources)
        self.codes: list[str] = [s.code for s in self.sources]
        self.position: dict[str, int] = {code: i for i, code in enumerate(self.codes)}
        self.size = len(self.sources)
        self.lat = np.array([s.location.lat for s in self.sources], dtype=float)
        self.lon = np.array([s.location.lon for s in self.sources], dtype=float)
        self.fixed = np.array([s.costs.fixed for s in self.sources], dtype=float)
        self.per_km = np.array([s.costs.per_km for s in self.sources], dtype=float)
        self.per_unit = np.array([s.costs.per_unit for s in self.sources], dtype=float)
        self.priority = np.array([s.priority for s in self.sources], dtype=np.int64)
        self.enabled = np.array([s.enabled for s in self.sources], dtype=bool)
        self.capable = {
            cap: np.array([cap in s.capabilities for s in self.sources], dtype=bool)
            for cap in (SHIP, PICKUP, SHIP_TO_STORE)
        }
        by_priority = sorted(range(self.size), key=lambda i: (self.sources[i].priority, self.codes[i]))
        self.rank = np.empty(self.size, dtype=np.int64)
        self.rank[by_priority] = np.arange(self.size)
        self.priority_order: list[int] = by_priority
        self.products: dict[str, Product] = {p.sku: p for p in network.products}
        self._available: dict[str, np.ndarray] = {}
        self._unlimited: dict[str, np.ndarray] = {}
        self._load_stock()

    def _load_stock(self) -> None:
        """One skus x sources matrix filled in a few vectorized steps; each SKU's row is a view of it."""
        table = StockTable.from_rows(self.network.stock)
        rows_of: dict[str, int] = {}
        sku_row = np.fromiter((rows_of.setdefault(sku, len(rows_of)) for sku in table.sku), np.int64, len(table))
        at = np.fromiter((self.position[code] for code in table.source), np.int64, len(table))
        available = np.zeros((len(rows_of), self.size), dtype=np.int64)
        unlimited = np.zeros((len(rows_of), self.size), dtype=bool)
        available[sku_row, at] = np.where(table.unlimited, UNLIMITED, table.available)
        unlimited[sku_row, at] = table.unlimited
        self._available = dict(zip(rows_of, available, strict=True))
        self._unlimited = dict(zip(rows_of, unlimited, strict=True))
        for sku, product in self.products.items():
            if not product.manage_stock:
                self._available[sku] = np.full(self.size, UNLIMITED, dtype=np.int64)

    def product(self, sku: str) -> Product:
        product = self.products.get(sku)
        return product if product is not None else Product(sku=sku)

    def available(self, sku: str) -> np.ndarray:
        """Available quantity of ``sku`` at every source (disabled ones included)."""
        avail = self._available.get(sku)
        if avail is None:
            return np.zeros(self.size, dtype=np.int64)
        return avail

    def lists_unlimited(self, sku: str) -> np.ndarray:
        flags = self._unlimited.get(sku)
        return flags if flags is not None else np.zeros(self.size, dtype=bool)

    def take(self, allocations: Iterable[tuple[str, str, int]]) -> None:
        """Deduct ``(source code, sku, quantity)`` allocations from the available stock."""
        for code, sku, quantity in allocations:
            avail = self._available.get(sku)
            if avail is None:
                continue
            i = self.position[code]
            if avail[i] < UNLIMITED:
                avail[i] = max(0, int(avail[i]) - quantity)


def as_index(network: Network | NetworkIndex) -> NetworkIndex:
    return network if isinstance(network, NetworkIndex) else NetworkIndex(network)
