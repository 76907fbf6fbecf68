"""Refunds and appeasements, and the ledger that keeps the money invariant.

The invariant: for every order line and service line, refunds (requested,
pending release or released) plus appeasements never exceed what was paid.
``Ledger.check`` is called by every command that creates money, in the same
transaction as the write, with the order's row locked.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from oms.domain.events import Context
from oms.domain.money import ZERO, allocate, share, text
from oms.domain.post_sales import PostSalesEvent
from oms.domain.statuses import LineStatus
from oms.errors import IllegalTransition, Refused

if TYPE_CHECKING:
    from oms.domain.order import Order


class RefundStatus(StrEnum):
    REQUESTED = "requested"
    PENDING_RELEASE = "pending_release"
    RELEASED = "released"
    CANCELLED = "cancelled"


KINDS = ("refund", "appeasement")
CANCELLATION = "CANCELLATION"  # the reason of the refund of cancelled units
_NEXT = {
    RefundStatus.REQUESTED: {RefundStatus.PENDING_RELEASE, RefundStatus.CANCELLED},
    RefundStatus.PENDING_RELEASE: {RefundStatus.RELEASED, RefundStatus.CANCELLED},
}


class RefundLine:
    def __init__(self, line_id: str, quantity: int, amount: Decimal) -> None:
        self.line_id = line_id
        self.quantity = quantity  # units returned (0: an amount without units, as appeasements)
        self.amount = amount


class Refund:
    """Money going back to the customer: a refund (of a return, a price decrease) or an appeasement."""

    def __init__(
        self,
        order: Order,
        kind: str,
        reason: str,
        lines: list[RefundLine],
        ctx: Context,
        return_id: int | None = None,
        note: str | None = None,
    ) -> None:
        self.id: int | None = None
        self.order_id = order.id
        self.order_number = order.number
        self.channel = order.channel
        self.currency = order.currency
        self.kind = kind
        self.reason = reason
        self.note = note
        self.return_id = return_id
        self.lines = lines
        self.status = RefundStatus.REQUESTED
        self.created_at, self.created_by = ctx.now, ctx.actor
        self.released_at = self.released_by = self.cancelled_at = self.cancelled_by = None
        self.events = [PostSalesEvent(f"{kind}.requested", order.number, ctx.now, self)]

    @property
    def amount(self) -> Decimal:
        return sum((ln.amount for ln in self.lines), ZERO)

    @property
    def counts(self) -> bool:
        """Counted against what was paid: every refund but a cancelled one."""
        return self.status != RefundStatus.CANCELLED

    def submit(self, auto_release: bool, ctx: Context) -> None:
        self._to(RefundStatus.PENDING_RELEASE, ctx)
        if auto_release:
            self.release(ctx)

    def release(self, ctx: Context) -> None:
        self._to(RefundStatus.RELEASED, ctx)
        self.released_at, self.released_by = ctx.now, ctx.actor

    def cancel(self, ctx: Context) -> None:
        self._to(RefundStatus.CANCELLED, ctx)
        self.cancelled_at, self.cancelled_by = ctx.now, ctx.actor

    def _to(self, status: RefundStatus, ctx: Context) -> None:
        current = RefundStatus(self.status)
        if status not in _NEXT.get(current, set()):
            raise IllegalTransition(f"{self.kind} {self.id} is {current}; it cannot become {status}", current)
        self.status = status
        if status != RefundStatus.PENDING_RELEASE:
            self.events.append(PostSalesEvent(f"{self.kind}.{status}", self.order_number, ctx.now, self))

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "order_id": self.order_number,
            "channel": self.channel,
            "status": str(self.status),
            "reason": self.reason,
            "note": self.note,
            "return_id": self.return_id,
            "currency": self.currency,
            "amount": text(self.amount, self.currency),
            "lines": [
                {"line_id": ln.line_id, "quantity": ln.quantity, "amount": text(ln.amount, self.currency)}
                for ln in self.lines
            ],
            "created_at": _iso(self.created_at),
            "created_by": self.created_by,
            "released_at": _iso(self.released_at),
            "released_by": self.released_by,
            "cancelled_at": _iso(self.cancelled_at),
            "cancelled_by": self.cancelled_by,
        }

    def event_payload(self) -> dict[str, Any]:
        return self.as_json()


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


class Ledger:
    """One order's money: what was paid per line and service line, and what went back."""

    def __init__(self, order: Order, refunds: list[Refund]) -> None:
        self.order = order
        self.refunds = refunds

    def paid(self, line_id: str) -> Decimal:
        """Nothing for a linked order (exchange, reshipment): its lines are paid on the order it replaces."""
        return self.order.charge(line_id).paid if self.order.type == "normal" else ZERO

    def given_back(self, line_id: str, *, status: RefundStatus | None = None) -> Decimal:
        return sum(
            (
                ln.amount
                for r in self.refunds
                if r.counts and (status is None or r.status == status)
                for ln in r.lines
                if ln.line_id == line_id
            ),
            ZERO,
        )

    def units_refunded(self, line_id: str) -> int:
        """Units of the line refunded so far (by returns and cancellations): where the next unit's share starts."""
        return sum(ln.quantity for r in self.refunds if r.counts for ln in r.lines if ln.line_id == line_id)

    def unit_refund(self, line_id: str, units: int) -> RefundLine | None:
        """The refund of ``units`` more units of an order line: their cumulative share, within what is left."""
        line = self.order.line(line_id)
        before, cur = self.units_refunded(line_id), self.order.currency
        paid = self.paid(line_id)
        worth = share(paid, before + units, line.quantity, cur) - share(paid, before, line.quantity, cur)
        amount = min(worth, self.refundable(line_id))
        return RefundLine(line_id, units, amount) if amount > 0 else None

    def refundable(self, line_id: str) -> Decimal:
        return self.paid(line_id) - self.given_back(line_id)

    def charges(self) -> list[str]:
        return [ln.line_id for ln in [*self.order.lines, *self.order.service_lines]]

    def check(self, lines: list[RefundLine]) -> None:
        """Refuse ``lines`` if, added to what went back already, any line would get back more than was paid."""
        asked: dict[str, Decimal] = {}
        for ln in lines:
            asked[ln.line_id] = asked.get(ln.line_id, ZERO) + ln.amount
        for line_id, amount in asked.items():
            left = self.refundable(line_id)
            if amount > left:
                cur = self.order.currency
                raise Refused(
                    f"line {line_id} of order {self.order.number}: {text(amount, cur)} {cur} asked, "
                    f"only {text(left, cur)} {cur} still refundable"
                )

    def spread(self, amount: Decimal) -> list[RefundLine]:
        """An order-level amount over the charges, in proportion to what each may still give back."""
        room = [(line_id, self.refundable(line_id)) for line_id in self.charges()]
        room = [(line_id, left) for line_id, left in room if left > 0]
        total = sum((left for _, left in room), ZERO)
        if amount > total or not room:
            cur = self.order.currency
            raise Refused(
                f"order {self.order.number}: {text(amount, cur)} {cur} asked, "
                f"only {text(total, cur)} {cur} still refundable"
            )
        parts = allocate(amount, [left for _, left in room], self.order.currency)
        return [RefundLine(line_id, 0, part) for (line_id, _), part in zip(room, parts, strict=True) if part > 0]

    def summary(self) -> dict[str, Any]:
        cur = self.order.currency
        rows = []
        for line_id in self.charges():
            rows.append(
                {
                    "line_id": line_id,
                    "paid": text(self.paid(line_id), cur),
                    "refunded": text(self.given_back(line_id, status=RefundStatus.RELEASED), cur),
                    "pending": text(
                        self.given_back(line_id) - self.given_back(line_id, status=RefundStatus.RELEASED), cur
                    ),
                    "refundable": text(self.refundable(line_id), cur),
                }
            )
        total = {
            key: text(sum((Decimal(r[key]) for r in rows), ZERO), cur)
            for key in ("paid", "refunded", "pending", "refundable")
        }
        return {"currency": cur, **total, "lines": rows}


def cancelled_in(events: list[Any], but: tuple[str, ...] = ()) -> dict[str, int]:
    """Units of each line that ``events`` (an order's, not yet written) moved to CANCELLED, but for ``but`` reasons."""
    units: dict[str, int] = {}
    for e in events:
        if getattr(e, "entity", None) == "line" and e.to_status == LineStatus.CANCELLED and e.to_reason not in but:
            units[e.entity_id] = units.get(e.entity_id, 0) + e.quantity
    return units


def cancellation_refund(order: Order, refunds: list[Refund], cancelled: dict[str, int], ctx: Context) -> Refund | None:
    """The refund of units just cancelled (MOM: cancelling a line of a paid order creates its refund).

    Cancelled units are refunded like returned ones, by cumulative share (the
    last unit takes the remainder); once nothing of the order is left, its
    service lines too.  Never beyond the invariant: what appeasements or other
    refunds took first is not given twice.
    """
    ledger = Ledger(order, refunds)
    lines = [r for line_id, units in cancelled.items() if units > 0 and (r := ledger.unit_refund(line_id, units))]
    if all(p.status == LineStatus.CANCELLED for p in order.parts):
        lines += [
            RefundLine(s.line_id, 0, left) for s in order.service_lines if (left := ledger.refundable(s.line_id)) > 0
        ]
    if not lines:
        return None
    ledger.check(lines)
    return Refund(order, "refund", CANCELLATION, lines, ctx)
