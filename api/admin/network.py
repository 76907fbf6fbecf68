"""Network and stock for the admin pages: the sources, stock by SKU and source, sellable stock per channel, low stock.

Read through the handlers behind the JSON API (``catalog_items.listing``
for ``GET /v1/sources`` and ``/v1/channels``, ``views.stock_page`` for
``GET /v1/stock`` and ``/v1/sellable-stock``); nothing here queries the
database itself.

Low stock: a channel's sellable stock of a SKU at or below a threshold.
The page takes the threshold as a parameter (``DEFAULT_LOW_STOCK`` when it
is left out); unlimited stock (an unlimited row, or a product whose stock is
not managed) is never low.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oms.errors import FieldError, InvalidInput
from oms.limits import MAX_CODE, check_text
from oms.service import catalog_items
from oms.service.app import Oms
from oms.service.catalog_items import CHANNEL, MAX_PAGE, SOURCE
from oms.service.views import StockQuery, stock_page
from sourcing_engine.limits import MAX_STOCK_QUANTITY

DEFAULT_LOW_STOCK = 5  # units a channel can still sell
STOCK_PAGE = 50  # SKUs per page of the stock table


def all_items(app: Oms, kind: catalog_items.Kind) -> list[dict[str, Any]]:
    """Every source (or channel) in key order, read a page at a time."""
    found: list[dict[str, Any]] = []
    after = None
    while True:
        page = catalog_items.listing(app, kind, after, MAX_PAGE)
        found += page.items
        if page.next_after is None:
            return found
        after = page.next_after


def sources_by_code(app: Oms) -> dict[str, dict[str, Any]]:
    return {s["code"]: s for s in all_items(app, SOURCE)}


def channels(app: Oms, visible: frozenset[str] | None) -> list[dict[str, Any]]:
    """The channels a user sees (``visible`` None: every channel)."""
    return [c for c in all_items(app, CHANNEL) if visible is None or c["code"] in visible]


@dataclass(frozen=True, slots=True)
class StockFilter:
    sku: str | None = None
    source: str | None = None
    after: str | None = None  # the last SKU of the previous page

    @classmethod
    def of(cls, args: dict[str, str]) -> StockFilter:
        """From query arguments; ``InvalidInput`` names a text that no SKU or code can be."""
        errors: list[FieldError] = []
        values = {k: (args.get(k) or "").strip() or None for k in ("sku", "source", "after")}
        for name, value in values.items():
            check_text(errors, name, value, MAX_CODE)
        if errors:
            raise InvalidInput(errors)
        return cls(**values)


@dataclass(frozen=True, slots=True)
class StockTable:
    rows: list[dict[str, Any]]  # one per SKU and source
    sellable: dict[str, dict[str, int | None]]  # SKU -> channel -> units (None: unlimited)
    channels: list[str]
    next_after: str | None


def stock_table(app: Oms, where: StockFilter, visible: frozenset[str] | None) -> StockTable:
    """A page of SKUs: their stock rows per source and what each visible channel can sell of them."""
    query = StockQuery(where.sku, where.source, visible, where.after, STOCK_PAGE)
    doc, last = stock_page(app, query)
    names = sorted({code for by_channel in doc["sellable"].values() for code in by_channel})
    return StockTable(doc["rows"], doc["sellable"], names, last)


@dataclass(frozen=True, slots=True)
class LowStock:
    sku: str
    channel: str
    sellable: int


def low_stock_threshold(value: str | None) -> int:
    """The threshold of the low-stock list from a query argument (default ``DEFAULT_LOW_STOCK``)."""
    if value is None or not value.strip():
        return DEFAULT_LOW_STOCK
    text = value.strip()
    if not text.isdigit() or len(text) > 10 or int(text) > MAX_STOCK_QUANTITY:
        raise InvalidInput([FieldError("threshold", f"must be an integer from 0 to {MAX_STOCK_QUANTITY:,}")])
    return int(text)


def low_stock(app: Oms, threshold: int, visible: frozenset[str] | None) -> list[LowStock]:
    """Every SKU and visible channel whose sellable stock is at or below ``threshold``, the lowest first."""
    doc, _ = stock_page(app, StockQuery(channels=visible))
    found = [
        LowStock(sku, channel, units)
        for sku, by_channel in doc["sellable"].items()
        for channel, units in by_channel.items()
        if units is not None and units <= threshold
    ]
    return sorted(found, key=lambda low: (low.sellable, low.sku, low.channel))
