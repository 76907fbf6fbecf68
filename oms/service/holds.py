"""Manual holds (``hold``), and the end of remorse periods (``release_due``, run with the sourcing waves).

Releasing a manual hold is ``oms.service.orders.release_hold``, the same
handler that releases the rules' holds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from oms.adapters import tables as t
from oms.domain import holds
from oms.domain.statuses import OrderStatus
from oms.errors import NotFound, Refused
from oms.limits import MAX_NOTE, refuse_bad_texts
from oms.service.app import Oms, transact
from oms.service.orders import release_hold
from oms.service.unit_of_work import UnitOfWork

o = t.orders.c


def hold_order(
    app: Oms, number: str, reason: str, note: str | None = None, channel: str | None = None, actor: str = "operator"
) -> dict[str, Any]:
    """Hold the order for ``reason`` (a code of ``HOLD_REASONS``); NEW shipment requests are cancelled."""
    holds.check_reason(reason)
    refuse_bad_texts(("note", note, MAX_NOTE, False))

    def work(uow: UnitOfWork) -> dict[str, Any]:
        order = uow.orders.by_number(number, channel, lock=True)
        units = holds.hold(order, reason, note, uow.context(actor))
        uow.commit()
        return {
            "order_id": order.number,
            "channel": order.channel,
            "status": order.status.value,
            "reason": order.reason,
            "units_taken_back": units,
        }

    return transact(app, work)


def release_due(app: Oms, actor: str = "remorse") -> list[str]:
    """Release every order whose remorse period is over, oldest first; returns their ids ("channel/id")."""

    def due(uow: UnitOfWork) -> list[tuple[str, str]]:
        stmt = (
            select(o.channel, o.number)
            .where(o.status == OrderStatus.ONHOLD, o.hold_reason == holds.REMORSE, o.hold_until <= uow.now)
            .order_by(o.hold_until, o.id)
        )
        return [(r.channel, r.number) for r in uow.session.execute(stmt)]

    released = []
    for channel, number in transact(app, due, readonly=True):
        try:
            release_hold(app, number, channel, actor=actor)
        except (Refused, NotFound):  # released or cancelled meanwhile by someone else: nothing left to do for this one
            continue
        released.append(f"{channel}/{number}")
    return released
