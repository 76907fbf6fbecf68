"""Small networks and orders for the OMS tests, as the JSON documents users send."""

from __future__ import annotations

from typing import Any

SOURCES = [
    {
        "code": "WH1",
        "type": "warehouse",
        "priority": 1,
        "location": {"lat": 52.52, "lon": 13.40, "country": "DE"},
        "capabilities": ["ship", "ship_to_store"],
        "costs": {"fixed": 4.0, "per_km": 0.002, "per_unit": 0.2},
    },
    {
        "code": "WH2",
        "type": "warehouse",
        "priority": 2,
        "location": {"lat": 48.14, "lon": 11.58, "country": "DE"},
        "capabilities": ["ship", "ship_to_store"],
        "costs": {"fixed": 4.0, "per_km": 0.002, "per_unit": 0.2},
    },
    {
        "code": "ST1",
        "type": "store",
        "priority": 3,
        "location": {"lat": 53.55, "lon": 9.99, "country": "DE"},
        "capabilities": ["ship", "pickup"],
        "costs": {"fixed": 6.0, "per_km": 0.003, "per_unit": 0.5},
    },
    {
        "code": "ST2",
        "type": "store",
        "priority": 4,
        "location": {"lat": 50.11, "lon": 8.68, "country": "DE"},
        "capabilities": ["pickup"],
        "costs": {"fixed": 6.0, "per_km": 0.003, "per_unit": 0.5},
    },
]
PRODUCTS = [
    {"sku": "A"},
    {"sku": "B"},
    {"sku": "C", "backorders": True},
    {"sku": "V", "type": "virtual", "manage_stock": False},
    {"sku": "W", "type": "virtual"},
]
BERLIN = {"lat": 52.5, "lon": 13.4, "country": "DE", "postcode": "10115"}


def network(
    stock: dict[tuple[str, str], int] | None = None, channels: list[dict] | None = None, **extra: Any
) -> dict[str, Any]:
    rows = [{"source": src, "sku": sku, "on_hand": qty} for (src, sku), qty in (stock or {}).items()]
    return {
        "sources": SOURCES,
        "products": PRODUCTS,
        "stock": rows,
        "channels": channels if channels is not None else [{"code": "web", "sources": "*"}],
        **extra,
    }


def order(number: str, *lines: tuple, channel: str = "web", pickup: str | None = None, **fields: Any) -> dict[str, Any]:
    """``lines`` as (sku, quantity[, {extra line fields}]); ids are 1, 2, ..."""
    delivery = {"method": "pickup", "pickup_source": pickup} if pickup else {"method": "ship", "address": BERLIN}
    docs = []
    for i, line in enumerate(lines, start=1):
        sku, qty, *rest = line
        docs.append({"id": str(i), "sku": sku, "quantity": qty, "unit_price": 10.0, **(rest[0] if rest else {})})
    return {"id": number, "channel": channel, "delivery": delivery, "lines": docs, **fields}
