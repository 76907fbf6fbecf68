"""A network whose warehouse takes returns, and orders shipped whole, for the post-sales tests."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from oms.adapters import tables as t
from oms.service import fulfillment as ff
from oms.service.catalog import load_network
from oms.service.orders import place_order
from oms.service.views import order_view
from tests.oms.builders import SOURCES, network


def returns_network(stock: dict[tuple[str, str], int], **post_sales: Any) -> dict[str, Any]:
    doc = network(stock, channels=[{"code": "web", "sources": "*", "post_sales": post_sales}])
    doc["sources"] = copy.deepcopy(SOURCES)
    doc["sources"][0]["capabilities"].append("returns")
    return doc


def paid_order(number: str, lines: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    from tests.oms.builders import BERLIN

    return {
        "id": number,
        "channel": "web",
        "delivery": {"method": "ship", "address": BERLIN},
        "lines": lines,
        **fields,
    }


def ship_all(app: Any, number: str) -> None:
    for req in order_view(app, number)["shipment_requests"]:
        if req["status"] not in ("SHIPPED", "CANCELLED"):
            ff.acknowledge(app, req["request_id"])
            ff.ship(app, req["request_id"], "DHL", f"T-{req['request_id']}")


def setup_shipped(
    app: Any,
    number: str,
    lines: list[dict[str, Any]],
    stock: int = 100,
    service_lines: list[dict[str, Any]] | None = None,
    **settings: Any,
) -> None:
    skus = {ln["sku"] for ln in lines}
    load_network(app, returns_network({("WH1", sku): stock for sku in skus}, **settings))
    extra = {"service_lines": service_lines} if service_lines else {}
    place_order(app, paid_order(number, lines, **extra))
    ship_all(app, number)


def topics(app: Any) -> list[str]:
    with app.uow(readonly=True) as uow:
        o = t.outbox.c
        return list(uow.session.scalars(select(o.topic).order_by(o.id)))


def money_of(app: Any, number: str) -> dict[str, Any]:
    return order_view(app, number)["money"]


def line_money(app: Any, number: str, line_id: str) -> dict[str, Decimal]:
    [row] = [r for r in money_of(app, number)["lines"] if r["line_id"] == line_id]
    return {k: Decimal(v) for k, v in row.items() if k != "line_id"}
