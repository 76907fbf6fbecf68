"""The numbers the admin dashboard shows: today's orders by channel and status, waiting orders, the outbox.

Counts only, each one query; a user limited to channels counts only theirs
(the outbox is the service's, not a channel's, and is counted whole).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select

from oms.adapters import tables as t
from oms.service.app import Oms, transact
from oms.service.unit_of_work import UnitOfWork

o = t.orders.c
x = t.outbox.c


@dataclass(frozen=True, slots=True)
class Counts:
    orders_today: list[dict[str, Any]]  # {channel, status, orders}, by channel then status
    waiting_orders: int  # orders with units waiting for stock (backorders, bundles, shipment limits...)
    outbox_backlog: int  # events not yet delivered and not given up on
    oldest_backlog_at: datetime | None
    dead_letters: int


def dashboard_counts(app: Oms, since: datetime, channels: frozenset[str] | None = None) -> Counts:
    """Orders created at or after ``since`` by channel and status; waiting orders; the outbox's state."""

    def read(uow: UnitOfWork) -> Counts:
        today = select(o.channel, o.status, func.count()).where(o.created_at >= since)
        if channels is not None:
            today = today.where(o.channel.in_(sorted(channels)))
        rows = uow.session.execute(today.group_by(o.channel, o.status).order_by(o.channel, o.status))
        waiting_ids = uow.orders.waiting()
        waiting = 0
        if waiting_ids:
            stmt = select(func.count()).where(o.id.in_(waiting_ids))
            if channels is not None:
                stmt = stmt.where(o.channel.in_(sorted(channels)))
            waiting = uow.session.execute(stmt).scalar_one()
        pending = and_(x.published_at.is_(None), x.dead_at.is_(None))
        backlog, oldest = uow.session.execute(select(func.count(), func.min(x.created_at)).where(pending)).one()
        dead = uow.session.execute(select(func.count()).where(x.dead_at.is_not(None))).scalar_one()
        return Counts(
            [{"channel": c, "status": s, "orders": n} for c, s, n in rows],
            waiting,
            backlog,
            oldest,
            dead,
        )

    return transact(app, read, readonly=True)
