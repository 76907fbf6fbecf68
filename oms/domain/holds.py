"""Manual holds and the remorse period: an order kept from its sources until someone (or the time) lets it go.

A hold is allowed while nothing of the order is with a source beyond a NEW
shipment request: those requests are cancelled and their reservations given
back, and every open unit waits as NEW/ONHOLD, which waves and re-sourcing
skip.  The order's reason is the hold's code, from ``HOLD_REASONS`` only, so
that reports and other systems can act on it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from oms.domain.cancellation import cancellable
from oms.domain.events import Context
from oms.domain.fulfillment import close_empty_requests
from oms.domain.order import Order
from oms.domain.parts import StockMove
from oms.domain.statuses import HANDED_OVER, LineStatus, OrderStatus, Reason
from oms.errors import FieldError, InvalidInput, Refused

REMORSE = "PENDING_REMORSE_TIME"
WAITING_RETURN = "WAITING_RETURN"
HOLD_REASONS = {
    # MOM's ON HOLD reasons
    REMORSE: "the customer may still change their mind (remorse period)",
    "PENDING_CAPTURE_REPLY": "waiting for the payment capture's answer",
    "PENDING_RISKASSESSMENT_REPLY": "waiting for the risk assessment's answer",
    "PENDING_VALIDATE_PAYMENT_REPLY": "waiting for the payment validation's answer",
    "PENDING_VALIDATE_AUTH": "waiting for the payment authorisation to be validated",
    # ours
    "CUSTOMER_REQUEST": "the customer asked to wait",
    "ADDRESS_VERIFICATION": "the delivery address is being checked",
    "FRAUD_REVIEW": "the order is being reviewed for fraud",
    "PAYMENT_ISSUE": "a payment problem is being sorted out",
    "STOCK_CHECK": "stock is being counted before the order ships",
    WAITING_RETURN: "an exchange waits for the units it replaces to come back in good condition",
}


def check_reason(code: str) -> str:
    if code not in HOLD_REASONS:
        raise InvalidInput([FieldError("reason", f"unknown hold reason {code!r}; valid: {', '.join(HOLD_REASONS)}")])
    return code


def hold(order: Order, code: str, note: str | None, ctx: Context) -> int:
    """Put the order on hold for ``code``; returns the units taken back from NEW shipment requests."""
    check_reason(code)
    if order.is_final or order.status in (OrderStatus.ONHOLD, OrderStatus.ERROR):
        raise Refused(f"order {order.number} is {order.status}/{order.reason}; it cannot be put on hold")
    if any(p.status in HANDED_OVER and p.status != LineStatus.PRESHIPPED for p in order.parts):
        raise Refused(f"order {order.number} has shipped units; it cannot be put on hold")
    busy = [p for p in order.parts if not p.is_final and not cancellable(p)]
    if busy:
        where = f" at {busy[0].source}" if busy[0].source else ""
        raise Refused(
            f"order {order.number}: {busy[0].quantity} unit(s) of line {busy[0].line_id} are {busy[0].status}{where};"
            " only orders with nothing beyond NEW shipment requests can be held"
        )
    taken = 0
    why = f"{code}: {note}" if note else code
    for part in [p for p in order.parts if not p.is_final]:
        if part.reserved_at is not None:
            order.moves.append(StockMove(part.reserved_at, part.sku, reserved=-part.quantity, cause="hold"))
            taken += part.quantity
        order.move(
            part, part.quantity, LineStatus.NEW, Reason.ONHOLD, ctx, note=why,
            reserved_at=None, source=None, request=None, handover=None, via=None,
        )  # fmt: skip
    close_empty_requests(order, Reason.ONHOLD, ctx, why)
    order.hold, order.hold_reason = why, code
    order.refresh_status(ctx)
    return taken


def start_remorse(order: Order, minutes: int, ctx: Context) -> None:
    """A new order waits on hold for the channel's remorse period (nothing is sourced yet)."""
    hold(order, REMORSE, f"until {(ctx.now + timedelta(minutes=minutes)).isoformat()}", ctx)
    order.hold_until = ctx.now + timedelta(minutes=minutes)


def lift(order: Order) -> bool:
    """Forget the hold before sourcing again; True when it was the rules' hold (then the rules no longer hold it)."""
    by_rules = order.hold_reason is None
    order.hold, order.hold_reason, order.hold_until = None, None, None
    return by_rules


def remorse_over(order: Order, now: datetime) -> bool:
    return order.hold_reason == REMORSE and order.hold_until is not None and order.hold_until <= now
