"""Lists for operators and other systems: orders and shipment requests, filtered, a page at a time.

Pages are keyset pages on the internal id (placement order), so that a
client walking the list while orders arrive neither skips nor repeats one.
``channels`` limits a list to what a caller may see (None: every channel).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, select

from oms.adapters import tables as t
from oms.service import search
from oms.service.app import Oms, transact
from oms.service.unit_of_work import UnitOfWork
from oms.service.views import describe_request, iso

o = t.orders.c
MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class OrderFilter:
    channel: str | None = None
    status: str | None = None
    created_from: datetime | None = None  # inclusive
    created_to: datetime | None = None  # exclusive
    sku: str | None = None
    source: str | None = None  # orders with a shipment request at this source
    channels: frozenset[str] | None = None
    newest_first: bool = True
    # Customer-service search (``oms.service.search``): id prefix, folded name, email, phone digits, postcode.
    order_id: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    postcode: str | None = None
    reason: str | None = None
    type: str | None = None

    def terms(self) -> dict[str, str | None]:
        return {k: getattr(self, k) for k in ("order_id", "name", "email", "phone", "postcode", "reason", "type")}


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict[str, Any]]
    next_after: int | None  # the position to continue from; None on the last page


def list_orders(app: Oms, where: OrderFilter, limit: int = 50, after: int | None = None) -> Page:
    """Order summaries matching ``where``, newest (or oldest) first, ``limit`` at a time after ``after``."""
    limit = max(1, min(limit, MAX_PAGE))
    search.check_terms(where.terms())

    def read(uow: UnitOfWork) -> Page:
        stmt = _order_query(where)
        if after is not None:
            stmt = stmt.where(o.id < after if where.newest_first else o.id > after)
        stmt = stmt.order_by(o.id.desc() if where.newest_first else o.id).limit(limit + 1)
        rows = list(uow.session.execute(stmt))
        items = [_summary(r) for r in rows[:limit]]
        return Page(items, rows[limit - 1].id if len(rows) > limit else None)

    return transact(app, read, readonly=True)


def _order_query(where: OrderFilter) -> Select:
    stmt = search.narrow(select(t.orders), where.terms())
    if where.channel is not None:
        stmt = stmt.where(o.channel == where.channel)
    if where.channels is not None:
        stmt = stmt.where(o.channel.in_(sorted(where.channels)))
    if where.status is not None:
        stmt = stmt.where(o.status == where.status)
    if where.created_from is not None:
        stmt = stmt.where(o.created_at >= where.created_from)
    if where.created_to is not None:
        stmt = stmt.where(o.created_at < where.created_to)
    if where.sku is not None:
        ln = t.order_lines.c
        stmt = stmt.where(exists().where(ln.order_id == o.id, ln.sku == where.sku))
    if where.source is not None:
        r = t.shipment_requests.c
        stmt = stmt.where(exists().where(r.order_id == o.id, r.source == where.source))
    return stmt


def _summary(row: Any) -> dict[str, Any]:
    return {
        "order_id": row.number,
        "channel": row.channel,
        "type": row.type,
        "status": row.status,
        "reason": row.reason,
        "delivery_method": row.delivery_method,
        "created_at": iso(row.created_at),
        "placed_at": iso(row.placed_at),
        **search.contact_summary(row),
    }


def list_requests(
    app: Oms,
    source: str | None = None,
    status: str | None = None,
    channels: frozenset[str] | None = None,
    limit: int = 50,
    before: int | None = None,
) -> Page:
    """Shipment requests, newest first, with their order's id and channel and their items."""
    limit = max(1, min(limit, MAX_PAGE))

    def read(uow: UnitOfWork) -> Page:
        r = t.shipment_requests.c
        stmt = select(r.id, r.order_id).join(t.orders, o.id == r.order_id).order_by(r.id.desc()).limit(limit + 1)
        if source is not None:
            stmt = stmt.where(r.source == source)
        if status is not None:
            stmt = stmt.where(r.status == status)
        if channels is not None:
            stmt = stmt.where(o.channel.in_(sorted(channels)))
        if before is not None:
            stmt = stmt.where(r.id < before)
        rows = list(uow.session.execute(stmt))
        items = []
        for row in rows[:limit]:
            order = uow.orders.get(row.order_id)
            items.append(
                {"order_id": order.number, "channel": order.channel, **describe_request(order, order.request(row.id))}
            )
        return Page(items, rows[limit - 1].id if len(rows) > limit else None)

    return transact(app, read, readonly=True)
