"""What a settled return does beyond its own order: the exchange waiting for it, the refund on the original.

An exchange in ``after_return`` mode waits ON HOLD (``WAITING_RETURN``) for
the return of the units it replaces: the units that come back good release
their replacements, which are sourced at once; the units that come back
damaged, or a return rejected or cancelled, cancel theirs.  A return of an
exchange's (or a reshipment's) units refunds on the order that was paid, the
root of the chain of linked orders, line for line.  Both happen in the
transaction of the return's step, with the orders' rows locked.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from oms.adapters import tables as t
from oms.domain import cancellation, holds
from oms.domain.events import Context
from oms.domain.exchanges import return_of_exchange, units_back
from oms.domain.order import Order
from oms.domain.post_sales import PostSalesEvent, PostSalesSettings
from oms.domain.refunds import CANCELLATION, Ledger, Refund
from oms.domain.returns import Return, ReturnStatus
from oms.domain.statuses import LineStatus, OrderStatus, Reason
from oms.service.app import Oms
from oms.service.sourcing import source_waiting
from oms.service.unit_of_work import NOT_BACK, UnitOfWork

MAX_CHAIN = 50  # linked orders followed back to the paid one; far beyond any real chain


class Settled:
    """An exchange released or cancelled by its return, as its event tells it."""

    def __init__(self, order: Order, ret: Return, cancelled: dict[str, int]) -> None:
        self.order, self.ret, self.cancelled = order, ret, cancelled

    def event_payload(self) -> dict[str, Any]:
        return {
            "order_id": self.order.number,
            "channel": self.order.channel,
            "original_order_id": self.order.original_number,
            "return_id": self.ret.id,
            "return_status": str(self.ret.status),
            "status": str(self.order.status),
            "reason": self.order.reason,
            "cancelled_units": self.cancelled,
            "updated_by": self.ret.updated_by,
        }


def paid_order(uow: UnitOfWork, order: Order) -> Order:
    """The order whose payment covers ``order``'s lines: itself, or the root of its exchanges and reshipments."""
    for _ in range(MAX_CHAIN):
        if order.type == "normal" or order.original_number is None:
            return order
        order = uow.orders.by_number(order.original_number, order.channel, lock=True)
    return order


def refund_on_paid_order(uow: UnitOfWork, order: Order, ret: Return, settings: PostSalesSettings, ctx: Context) -> bool:
    """Refund a received return of a linked order's units on the order that was paid; False for a paid order."""
    paid = paid_order(uow, order)
    if paid is order:
        return False
    assert paid.id is not None
    ledger = Ledger(paid, uow.post_sales.refunds_of(paid.id))
    lines = []
    for line_id, units in ret.refundable_units(settings).items():
        if units > 0 and (line := ledger.unit_refund(line_id, units)) is not None:
            lines.append(line)
    if lines:
        ledger.check(lines)
        note = f"return of order {order.number}"
        refund = Refund(paid, "refund", ret.reason, lines, ctx, return_id=ret.id, note=note)
        uow.post_sales.add(refund)
        refund.submit(settings.auto_release_refunds, ctx)
    return True


def settle_exchange(app: Oms, uow: UnitOfWork, order: Order, ret: Return, ctx: Context) -> None:
    """What a settled exchange return does to its exchange: release or cancel it, refund what it could not send."""
    if ret.refund or ret.is_open:
        return
    exchange = _exchange_for(uow, order, ret)
    if exchange is None:
        return
    if exchange.status == OrderStatus.ONHOLD and exchange.hold_reason == holds.WAITING_RETURN:
        _release_or_cancel(app, uow, order, exchange, ret, ctx)
    if ret.status == ReturnStatus.RECEIVED:
        _refund_replacements_cancelled_meanwhile(uow, order, exchange, ret, ctx)


def _release_or_cancel(app: Oms, uow: UnitOfWork, order: Order, exchange: Order, ret: Return, ctx: Context) -> None:
    """Release or cancel the exchange waiting ON HOLD for ``ret`` once the return is settled."""
    _good, bad = units_back(ret)
    why = Reason.RETURNCANCELLED if ret.status == ReturnStatus.CANCELLED else Reason.RETURNREJECTED
    still_open = {
        ln.line_id: sum(p.quantity for p in exchange.parts if p.line_id == ln.line_id and not p.is_final)
        for ln in exchange.lines
    }  # an operator may have cancelled some already
    cancelled = {line_id: n for line_id, units in bad.items() if (n := min(units, still_open.get(line_id, 0))) > 0}
    if cancelled:
        cancellation.cancel(exchange, dict(cancelled), why, ctx)
    holds.lift(exchange)
    waiting = exchange.waiting_parts(include_hold=True)
    if waiting:
        source_waiting(app, uow, exchange, ctx, waiting)
    exchange.refresh_status(ctx)
    topic = "exchange.released" if waiting else "exchange.cancelled"
    uow.events.append(PostSalesEvent(topic, order.number, ctx.now, Settled(exchange, ret, cancelled)))


def _exchange_for(uow: UnitOfWork, order: Order, ret: Return) -> Order | None:
    """The exchange order of ``order`` whose units ``ret`` takes back, locked; None for an ordinary return."""
    o = t.orders.c
    ids = uow.session.scalars(
        select(o.id).where(o.channel == order.channel, o.original_number == order.number, o.type == "exchange")
    ).all()
    for exchange in uow.orders.get_many(list(ids), lock=True) if ids else []:
        if return_of_exchange(exchange) == ret.id:
            return exchange
    return None


def refund_cancelled_exchange(uow: UnitOfWork, order: Order, cancelled: dict[str, int], ctx: Context) -> None:
    """Give back the value of an exchange's units cancelled by anything but their return (no stock, a decline).

    Once the units they replace are back (the return received), their value is
    refunded on the paid order at once; while the return is open and nothing
    of the exchange is left, the return becomes an ordinary one, refunded on
    receipt by the refund rules (and the line may be exchanged again).
    """
    return_id = return_of_exchange(order)
    if return_id is None or order.original_number is None:
        return
    parent = uow.orders.by_number(order.original_number, order.channel, lock=True)
    assert parent.id is not None
    ret = next((r for r in uow.post_sales.returns_of(parent.id) if r.id == return_id), None)
    if ret is None or ret.refund:
        return
    if ret.is_open:
        ret.refund = all(p.status == LineStatus.CANCELLED for p in order.parts)
        return
    good, _ = units_back(ret)
    _refund_replacements(uow, parent, cancelled, good, order.number, ctx)


def _refund_replacements_cancelled_meanwhile(
    uow: UnitOfWork, order: Order, exchange: Order, ret: Return, ctx: Context
) -> None:
    """On receipt of an exchange's return, give back the value of replacements cancelled while it was open.

    Cancelled then (no stock, a decline, an operator), they could not be
    refunded: the units they replace were not back yet.  The units that came
    back good now are; damaged ones give nothing, as for any return.  Those
    cancelled because of this return (``NOT_BACK``) never give money back.
    """
    cancelled: dict[str, int] = {}
    for part in exchange.parts:
        if part.status == LineStatus.CANCELLED and part.reason not in NOT_BACK:
            cancelled[part.line_id] = cancelled.get(part.line_id, 0) + part.quantity
    good, _ = units_back(ret)
    _refund_replacements(uow, order, cancelled, good, exchange.number, ctx)


def _refund_replacements(
    uow: UnitOfWork, parent: Order, cancelled: dict[str, int], good: dict[str, int], exchange: str, ctx: Context
) -> None:
    """Refund, on the paid order, ``parent``'s units whose replacements in ``exchange`` were cancelled.

    Never more units of a line than came back good, counting what earlier
    cancellations of the same exchange were refunded already.
    """
    paid = paid_order(uow, parent)
    assert paid.id is not None
    note = f"exchange {exchange} cancelled"
    refunds = uow.post_sales.refunds_of(paid.id)
    done: dict[str, int] = {}
    for earlier in refunds:
        if earlier.note == note and earlier.counts:
            for ln in earlier.lines:
                done[ln.line_id] = done.get(ln.line_id, 0) + ln.quantity
    units = {line_id: min(n, good.get(line_id, 0) - done.get(line_id, 0)) for line_id, n in cancelled.items()}
    ledger = Ledger(paid, refunds)
    lines = [r for line_id, n in units.items() if n > 0 and (r := ledger.unit_refund(line_id, n))]
    if lines:
        ledger.check(lines)
        refund = Refund(paid, "refund", CANCELLATION, lines, ctx, note=note)
        uow.post_sales.add(refund)
        settings = uow.catalog.snapshot().channels[paid.channel].post_sales
        refund.submit(settings.auto_release_refunds, ctx)
