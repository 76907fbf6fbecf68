"""Read models: what operators and other systems see of orders, requests and stock (plain JSON-able dicts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from oms.adapters import tables as t
from oms.domain import money
from oms.domain.catalog import sellable
from oms.domain.order import Order
from oms.domain.parts import LinePart
from oms.domain.refunds import Ledger
from oms.domain.requests import ShipmentRequest
from oms.domain.statuses import LINE_TRANSITIONS, LineStatus, Method, Reason, RequestStatus
from oms.errors import FieldError, InvalidInput
from oms.limits import MAX_CODE, check_text
from oms.service.app import Oms, transact
from oms.service.timeline import merged
from oms.service.unit_of_work import UnitOfWork
from oms.service.wave_views import wave_timeline, with_waves

L = LineStatus
LIFECYCLE = list(LINE_TRANSITIONS)  # the table lists statuses in lifecycle order


def order_view(app: Oms, number: str, channel: str | None = None) -> dict[str, Any]:
    def read(uow: UnitOfWork) -> dict[str, Any]:
        order = uow.orders.by_number(number, channel)
        doc = describe_order(order, timeline(uow, order))
        doc.update(post_sales_view(uow, order))
        return doc

    return transact(app, read, readonly=True)


def describe_order(order: Order, history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "order_id": order.number,
        "channel": order.channel,
        "type": order.type,
        "original_order_id": order.original_number,
        "status": order.status.value,
        "reason": order.reason,
        "hold": order.hold,
        "delivery": _delivery(order),
        "customer": order.customer,
        "billing_address": order.billing_address,
        "created_at": iso(order.created_at),
        "placed_at": iso(order.placed_at),
        "sourcing_attempts": order.sourcing_attempts,
        "bundle_attempts": dict(order.bundle_attempts),
        "currency": order.currency,
        "lines": [_line(order, line) for line in order.lines],
        "service_lines": [
            {
                "line_id": s.line_id,
                "type": s.type,
                "amount": money.text(s.amount, order.currency),
                "tax": money.text(s.tax, order.currency),
            }
            for s in order.service_lines
        ],
        "shipment_requests": [describe_request(order, r) for r in order.requests],
    }
    if history is not None:
        doc["timeline"] = history
    return doc


def post_sales_view(uow: UnitOfWork, order: Order) -> dict[str, Any]:
    """The order's money (paid, refunded, pending, refundable per line), returns, refunds and linked orders."""
    assert order.id is not None
    refunds = uow.post_sales.refunds_of(order.id)
    o = t.orders.c
    linked = uow.session.execute(
        select(o.number, o.type, o.status)
        .where(o.channel == order.channel, o.original_number == order.number)
        .order_by(o.id)
    )
    return {
        "money": Ledger(order, refunds).summary(),
        "returns": [r.as_json() for r in uow.post_sales.returns_of(order.id)],
        "refunds": [r.as_json() for r in refunds],
        "price_adjustments": [a.as_json() for a in uow.post_sales.adjustments_of(order.id)],
        "linked_orders": [{"order_id": r.number, "type": r.type, "status": r.status} for r in linked],
    }


def line_status(parts: list[LinePart]) -> str:
    """One status for a line: its only one, else the least advanced status among its open units."""
    statuses = {p.status for p in parts}
    if len(statuses) == 1:
        return next(iter(statuses)).value
    open_ = [p.status for p in parts if not p.is_final] or [p.status for p in parts]
    return min(open_, key=LIFECYCLE.index).value


def item_status(part: LinePart) -> str:
    if part.status == L.ITEM_PENDING_PICKING:
        return "PENDING_ARRIVAL" if part.reason == Reason.PENDING_ARRIVAL else "NEW"
    return {
        L.ALLOCATEDSHIP: "NEW",
        L.RECEIVEDBYLOGISTICS: "ACKNOWLEDGED",
        L.PICKCONFIRMED: "PICKED",
        L.PICKREADY: "READY",
        L.SHIPPED: "SHIPPED",
        L.PRESHIPPED: "SHIPPED",
        L.CANCELLED: "CANCELLED",
    }.get(part.status, part.status.value)


def timeline(uow: UnitOfWork, order: Order) -> list[dict[str, Any]]:
    h = t.status_history.c
    rows = uow.session.execute(select(t.status_history).where(h.order_id == order.id).order_by(h.id))
    history = [
        {
            "at": iso(r.at),
            "entity": r.entity,
            "id": r.entity_id,
            "quantity": r.quantity or None,
            "from": r.from_status,
            "to": r.to_status,
            "reason": r.to_reason,
            "actor": r.actor,
            "note": r.note,
        }
        for r in rows
    ]
    return merged(with_waves(history, wave_timeline(uow, order.id)), uow, order)


def requests_view(app: Oms, source: str | None = None, status: str | None = None, limit: int = 200) -> list[dict]:
    """Shipment requests, newest first; an unknown ``status`` is refused, naming the valid ones."""
    if status and status.upper() not in RequestStatus.__members__:
        valid = ", ".join(RequestStatus)
        raise InvalidInput([FieldError("status", f"unknown request status {status!r}; valid: {valid}")])
    from oms.service.listing import list_requests

    return list_requests(app, source, status.upper() if status else None, limit=limit).items


def _check_sku(sku: str | None) -> None:
    errors: list[FieldError] = []
    check_text(errors, "sku", sku, MAX_CODE)
    if errors:
        raise InvalidInput(errors)


def stock_view(app: Oms, sku: str | None = None) -> dict[str, Any]:
    _check_sku(sku)
    return stock_page(app, StockQuery(sku=sku))[0]


@dataclass(frozen=True, slots=True)
class StockQuery:
    sku: str | None = None
    source: str | None = None  # only this source's rows (the sellable figures still count every source)
    channels: frozenset[str] | None = None  # sellable figures of these channels only
    after_sku: str | None = None
    limit: int | None = None  # SKUs per page; None: all


def stock_page(app: Oms, query: StockQuery) -> tuple[dict[str, Any], str | None]:
    """Stock rows and sellable figures of a page of SKUs; returns the document and the last SKU of a full page."""

    def read(uow: UnitOfWork) -> tuple[dict[str, Any], str | None]:
        s = t.stock.c
        skus_stmt = select(s.sku).distinct().order_by(s.sku)
        if query.sku is not None:
            skus_stmt = skus_stmt.where(s.sku == query.sku)
        if query.source is not None:
            skus_stmt = skus_stmt.where(s.source == query.source)
        if query.after_sku is not None:
            skus_stmt = skus_stmt.where(s.sku > query.after_sku)
        if query.limit is not None:
            skus_stmt = skus_stmt.limit(query.limit + 1)
        skus = list(uow.session.scalars(skus_stmt))
        more = query.limit is not None and len(skus) > query.limit
        skus = skus[: query.limit] if query.limit is not None else skus
        rows_stmt = select(t.stock).order_by(s.sku, s.source)
        if query.limit is not None:
            rows_stmt = rows_stmt.where(s.sku.in_(skus))
        elif query.sku is not None:
            rows_stmt = rows_stmt.where(s.sku == query.sku)
        rows = list(uow.session.execute(rows_stmt))
        doc = {
            "rows": [_stock_row(r) for r in rows if query.source is None or r.source == query.source],
            "sellable": _sellable(uow, rows, query.channels),
        }
        return doc, (skus[-1] if more else None)

    return transact(app, read, readonly=True)


def _sellable(uow: UnitOfWork, rows: list[Any], only: frozenset[str] | None) -> dict[str, dict[str, int | None]]:
    snapshot = uow.catalog.snapshot()
    products = uow.catalog.products(snapshot, {r.sku for r in rows})
    by_sku: dict[str, dict[str, tuple]] = {}
    for r in rows:
        by_sku.setdefault(r.sku, {})[r.source] = (r.on_hand, r.reserved, r.safety_stock, r.unlimited)
    channels: dict[str, dict[str, int | None]] = {}
    for code, channel in sorted(snapshot.channels.items()):
        if only is not None and code not in only:
            continue
        enabled = [c for c, _ in channel.links if c in snapshot.sources and snapshot.sources[c].enabled]
        for k, at in by_sku.items():
            managed = products[k].manage_stock if k in products else True
            value = sellable([at[c] for c in enabled if c in at], managed)
            channels.setdefault(k, {})[code] = None if value == float("inf") else int(value)
    return channels


def _stock_row(r: Any) -> dict[str, Any]:
    return {
        "source": r.source,
        "sku": r.sku,
        "on_hand": r.on_hand,
        "reserved": r.reserved,
        "safety_stock": r.safety_stock,
        "unlimited": r.unlimited,
        "available": None if r.unlimited else max(0, r.on_hand - r.safety_stock - r.reserved),
    }


def stock_history_view(app: Oms, sku: str, limit: int = 50) -> list[dict[str, Any]]:
    _check_sku(sku)

    def read(uow: UnitOfWork) -> list[dict[str, Any]]:
        h = t.stock_history.c
        rows = uow.session.execute(select(t.stock_history).where(h.sku == sku).order_by(h.id.desc()).limit(limit))
        return [
            {
                "at": iso(r.at),
                "source": r.source,
                "on_hand": r.on_hand,
                "on_hand_delta": r.on_hand_delta,
                "reserved": r.reserved,
                "reserved_delta": r.reserved_delta,
                "cause": r.cause,
                "reference": r.reference,
            }
            for r in rows
        ]

    return transact(app, read, readonly=True)


def _line(order: Order, line: Any) -> dict[str, Any]:
    parts = [p for p in order.parts if p.line_id == line.line_id]
    units: dict[str, int] = {}
    for p in parts:
        key = p.status.value if p.status != L.NEW else f"NEW/{p.reason}"
        units[key] = units.get(key, 0) + p.quantity
    return {
        "line_id": line.line_id,
        "sku": line.sku,
        "quantity": line.quantity,
        "unit_price": money.text(line.unit_price, order.currency),
        "discount": money.text(line.discount, order.currency),
        "tax": money.text(line.tax, order.currency),
        "paid": money.text(line.paid, order.currency),
        "bundle": line.bundle,
        "product_type": line.product_type,
        "preshipped_source": line.preshipped_source,
        "status": line_status(parts),
        "units": units,
        "declined_by": list(line.declined_sources),
        "backorder_exception": any(p.exception for p in parts),
        "stock_shortfall": sum(p.quantity for p in parts if p.shortfall and not p.is_final),
    }


def describe_request(order: Order, req: ShipmentRequest) -> dict[str, Any]:
    items = [
        {"line_id": p.line_id, "sku": p.sku, "quantity": p.quantity, "status": item_status(p)}
        for p in order.parts_of(req)
    ]
    if req.method == Method.STS:
        items += [
            {"line_id": p.line_id, "sku": p.sku, "quantity": p.quantity, "status": "SHIPPED"}
            for p in order.parts
            if p.via is req
        ]
    if req.method == Method.ISPU:
        items += [
            {"line_id": p.line_id, "sku": p.sku, "quantity": p.quantity, "status": "PENDING_ARRIVAL", "from": p.source}
            for p in order.incoming(req)
        ]
    return {
        "request_id": req.id,
        "source": req.source,
        "method": req.method.value,
        "destination": req.destination,
        "status": req.status.value,
        "reason": req.reason,
        "carrier": req.carrier,
        "tracking": req.tracking,
        "items": items,
        "packages": [
            {
                "package_id": p.id,
                "carrier": p.carrier,
                "tracking": p.tracking,
                "shipped_at": iso(p.shipped_at),
                "lines": [dict(item) for item in p.lines],
            }
            for p in req.packages
        ],
    }


def _delivery(order: Order) -> dict[str, Any]:
    if order.delivery_method == "pickup":
        return {"method": "pickup", "pickup_source": order.pickup_source}
    return {"method": "ship", "address": order.address}


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def outbox_backlog(app: Oms) -> int:
    """Events recorded but not yet published."""

    def read(uow: UnitOfWork) -> int:
        o = t.outbox.c
        return uow.session.scalar(select(func.count()).select_from(t.outbox).where(o.published_at.is_(None))) or 0

    return transact(app, read, readonly=True)
