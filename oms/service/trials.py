"""Orders to try rules on: a channel's recent orders, and one of them as the order document intake takes.

The document carries what sourcing reads (lines with their SKUs,
quantities, prices, bundles, pre-shipped sources and attributes, the
delivery, the order's attributes and creation time), not the customer's
contacts: a trial plans the order again and needs nothing else.  Its
quantities are the lines' ordered quantities, so a trial shows how the
whole order would be split today, whatever has happened to it since.
"""

from __future__ import annotations

from typing import Any

from oms.domain.order import Order
from oms.service.app import Oms, transact
from oms.service.listing import OrderFilter, list_orders
from oms.service.unit_of_work import UnitOfWork
from oms.service.views import iso

RECENT = 20  # orders offered to try rules on
ADDRESS_FIELDS = ("lat", "lon", "country", "postcode")  # what the engine reads of an address


def recent_orders(app: Oms, channel: str, limit: int = RECENT) -> list[dict[str, Any]]:
    """The channel's latest orders, newest first (summaries, as the order list shows them)."""
    return list_orders(app, OrderFilter(channel=channel), limit).items


def order_document(app: Oms, number: str, channel: str) -> dict[str, Any]:
    """The stored order ``number`` of ``channel`` as an order document (``NotFound`` when there is none)."""

    def read(uow: UnitOfWork) -> dict[str, Any]:
        return document_of(uow.orders.by_number(number, channel))

    return transact(app, read, readonly=True)


def document_of(order: Order) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": order.number,
        "channel": order.channel,
        "created_at": iso(order.created_at),
        "delivery": _delivery(order),
        "lines": [_line(line) for line in order.lines],
    }
    if order.attributes:
        doc["attributes"] = dict(order.attributes)
    return doc


def _delivery(order: Order) -> dict[str, Any]:
    if order.delivery_method == "pickup":
        return {"method": "pickup", "pickup_source": order.pickup_source}
    address = order.address or {}
    return {"method": "ship", "address": {k: address[k] for k in ADDRESS_FIELDS if address.get(k) is not None}}


def _line(line: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": line.line_id,
        "sku": line.sku,
        "quantity": line.quantity,
        "unit_price": float(line.unit_price),  # the engine's contract takes prices as JSON numbers
    }
    for name in ("bundle", "preshipped_source", "allow_backorder"):
        if getattr(line, name) is not None:
            doc[name] = getattr(line, name)
    if line.attributes:
        doc["attributes"] = dict(line.attributes)
    return doc
