"""Cancelling an order or some of its lines, by MOM's cancellation rules.

Units can be cancelled while they wait for stock, or while their shipment
request is still NEW (not yet acknowledged by the source; for in-store pickup,
the ISPU request still NEW).  Units a source has acknowledged, picked,
shipped or has in transit cannot: the source declines them first.  Cancelling
a line of a bundle cancels the rest of the bundle with it.  Reservations are
released and requests left empty are cancelled.
"""

from __future__ import annotations

from oms.domain.events import Context
from oms.domain.fulfillment import close_empty_requests
from oms.domain.order import Order
from oms.domain.parts import LinePart, StockMove, consume
from oms.domain.statuses import LineStatus, Method, Reason, RequestStatus
from oms.errors import FieldError, InvalidInput, Refused

L = LineStatus
# Why an operator or a customer cancels (MOM's codes); the OMS sets the others itself (ASSOCIATEDITEMCANCELLED...).
CANCEL_REASONS = ("CUSTOMERREQ", "EEREQ", "CANCELLEDBYPAYMENTANDRISK", "CARDEXPIRED", "OUTOFSTOCK")


def cancel(order: Order, lines: dict[str, int | None] | None, reason: str, ctx: Context) -> int:
    """Cancel ``lines`` (line id -> units, ``None`` for all open ones), or the whole order; returns units cancelled."""
    if order.is_final:
        raise Refused(f"order {order.number} is {order.status}; it cannot be cancelled")
    if lines is None:
        return _cancel_order(order, reason, ctx)
    errors = [
        FieldError(f"lines.{lid}", "no such line") for lid in lines if lid not in {ln.line_id for ln in order.lines}
    ]
    if errors:
        raise InvalidInput(errors)
    chosen: list[tuple[LinePart, int, str]] = []
    for line_id, quantity in lines.items():
        chosen.extend((p, q, reason) for p, q in _units(order, line_id, quantity))
        bundle = order.line(line_id).bundle
        if bundle is not None:
            for sibling in order.lines:
                open_sibling = any(p.line_id == sibling.line_id and not p.is_final for p in order.parts)
                if sibling.bundle == bundle and sibling.line_id not in lines and open_sibling:
                    chosen.extend(
                        (p, q, Reason.ASSOCIATEDITEMCANCELLED) for p, q in _units(order, sibling.line_id, None)
                    )
    return _apply(order, chosen, reason, ctx)


def _cancel_order(order: Order, reason: str, ctx: Context) -> int:
    busy = [r for r in order.requests if r.method == Method.ISPU and r.is_open and r.status != RequestStatus.NEW]
    if busy:
        raise Refused(
            f"order {order.number}: ISPU request {busy[0].id} is {busy[0].status}; only NEW ones can be cancelled"
        )
    blocking = [p for p in order.parts if not p.is_final and not cancellable(p)]
    if blocking:
        raise Refused(f"order {order.number}: {_describe(blocking[0])}; decline or ship it first")
    chosen = [(p, p.quantity, reason) for p in order.parts if not p.is_final]
    if not chosen:
        raise Refused(f"order {order.number} has nothing left to cancel")
    return _apply(order, chosen, reason, ctx)


def cancellable(part: LinePart) -> bool:
    if part.is_waiting or (part.status == L.NEW and part.reason == Reason.ONHOLD):
        return True
    if part.status == L.ALLOCATEDSHIP:
        handover_new = part.handover is None or part.handover.status == RequestStatus.NEW
        return part.request is not None and part.request.status == RequestStatus.NEW and handover_new
    if part.status == L.ITEM_PENDING_PICKING and part.reason != Reason.PENDING_ARRIVAL:
        return part.request is not None and part.request.status == RequestStatus.NEW
    return False


def _units(order: Order, line_id: str, quantity: int | None) -> list[tuple[LinePart, int]]:
    open_parts = [p for p in order.parts if p.line_id == line_id and not p.is_final]
    ready = sorted((p for p in open_parts if cancellable(p)), key=lambda p: not p.is_waiting)  # waiting units first
    have = sum(p.quantity for p in ready)
    want = have if quantity is None else quantity
    if quantity is not None and quantity <= 0:
        raise InvalidInput([FieldError(f"lines.{line_id}", "quantity must be a positive integer")])
    line = order.line(line_id)
    if quantity is not None and quantity > line.quantity:
        raise InvalidInput([FieldError(f"lines.{line_id}", f"quantity must be between 1 and {line.quantity}")])
    if not open_parts:
        done = ", ".join(f"{n} {status}" for status, n in order.units(line_id).items())
        raise Refused(f"order {order.number}: line {line_id} has no open units ({done})")
    still_open = sum(p.quantity for p in open_parts)
    if quantity is not None and quantity > still_open:
        raise InvalidInput(
            [FieldError(f"lines.{line_id}", f"quantity must be between 1 and {still_open} (the line's open units)")]
        )
    if want > have or (quantity is None and not ready):
        blocking = [p for p in open_parts if not cancellable(p)]
        why = _describe(blocking[0]) if blocking else f"line {line_id} has no open units"
        raise Refused(
            f"order {order.number}: cannot cancel {want or 'any'} unit(s) of line {line_id}, {have} can be: {why}"
        )
    return list(consume(ready, want))


def _apply(order: Order, chosen: list[tuple[LinePart, int, str]], reason: str, ctx: Context) -> int:
    total = 0
    for part, quantity, why in chosen:
        if part.reserved_at is not None:
            order.moves.append(StockMove(part.reserved_at, part.sku, reserved=-quantity, cause="cancel"))
        order.move(part, quantity, L.CANCELLED, why, ctx, reserved_at=None)
        total += quantity
    close_empty_requests(order, reason, ctx)
    return total


def _describe(part: LinePart) -> str:
    where = f" at {part.source}" if part.source else ""
    return f"{part.quantity} unit(s) of line {part.line_id} are {part.status}/{part.reason}{where}"
