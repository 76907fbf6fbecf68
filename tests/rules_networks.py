"""Small engine networks and orders for the rules tests, and what their plans shipped from where."""

from __future__ import annotations

from typing import Any

from sourcing_engine import Costs, Delivery, Location, Network, Order, OrderLine, Plan, Product, Source, StockRow

ZERO = Costs()


def src(
    code: str,
    type: str = "warehouse",
    priority: int = 0,
    lat: float = 52.52,
    lon: float = 13.40,
    country: str = "DE",
    tags: tuple[str, ...] = (),
    caps: tuple[str, ...] = ("ship",),
    attributes: dict | None = None,
    costs: Costs = ZERO,
) -> Source:
    return Source(
        code=code,
        location=Location(lat, lon, country),
        type=type,  # type: ignore[arg-type]
        priority=priority,
        capabilities=frozenset(caps),
        tags=frozenset(tags),
        attributes=attributes or {},
        costs=costs,
    )


def network(sources: list[Source], stock: dict[tuple[str, str], int], products: list[Product] = ()) -> Network:
    rows = [StockRow(code, sku, on_hand=qty) for (code, sku), qty in stock.items()]
    return Network(list(sources), list(products), rows)


def order_line(line_id: str, sku: str, qty: int = 1, price: float = 10.0, **extra: Any) -> OrderLine:
    return OrderLine(line_id, sku, qty, price, **extra)


def ship_order(
    lines: list[OrderLine], country: str = "DE", lat: float = 52.52, lon: float = 13.40, **extra: Any
) -> Order:
    return Order(extra.pop("id", "O-1"), Delivery("ship", address=Location(lat, lon, country)), tuple(lines), **extra)


def shipped(plan: Plan) -> dict[str, str]:
    """line id -> source code, for plans where each line ships whole from one source."""
    return {pl.line_id: s.source for s in plan.shipments for pl in s.lines}
