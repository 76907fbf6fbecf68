"""Stock-shortfall exceptions an operator must act on, as plain rows (flagged at every stock change).

Backorder exceptions (units waiting longer than their channel allows) are
flagged by ``orders.flag_exceptions``; this module lists the allocations a
source's stock no longer covers, for ``oms orders exceptions`` and the API.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from oms.adapters import tables as t
from oms.service.app import Oms, transact
from oms.service.unit_of_work import UnitOfWork

p = t.line_parts.c
o = t.orders.c


def stock_shortfall_exceptions(app: Oms) -> list[dict[str, Any]]:
    """Every open allocation flagged as a stock shortfall, oldest first: what an operator must act on."""

    def read(uow: UnitOfWork) -> list[dict[str, Any]]:
        stmt = (
            select(o.number, o.channel, p.line_id, p.sku, p.reserved_at, p.quantity, p.status, p.since, p.request_id)
            .join(t.orders, o.id == p.order_id)
            .where(p.shortfall, p.reserved_at.is_not(None))
            .order_by(p.since, o.number, p.line_id)
        )
        return [
            {
                "kind": "stock_shortfall",
                "order_id": r.number,
                "channel": r.channel,
                "line_id": r.line_id,
                "sku": r.sku,
                "source": r.reserved_at,
                "quantity": r.quantity,
                "status": r.status,
                "request_id": r.request_id,
                "since": r.since.isoformat(),
            }
            for r in uow.session.execute(stmt)
        ]

    return transact(app, read, readonly=True)
