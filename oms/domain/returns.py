"""Returns (MOM's RMA): authorized per line and unit, received with each unit's condition, refunded on receipt.

A line's units are returnable once shipped (per unit: the order may still be
in LOGISTICS), up to the shipped quantity less what is on returns already
(open or received).  On receipt the refund is computed by the channel's refund
rules: pro rata of the line's paid amount, by cumulative shares so that the
last unit takes the rounding remainder and a full return refunds exactly what
was paid; never beyond what the line may still give back (appeasements first).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from oms.domain.events import Context
from oms.domain.post_sales import PostSalesEvent, PostSalesSettings
from oms.domain.refunds import Ledger, RefundLine
from oms.domain.statuses import HANDED_OVER, LineStatus
from oms.errors import FieldError, IllegalTransition, InvalidInput, Refused

if TYPE_CHECKING:
    from oms.domain.order import Order


class ReturnStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    RECEIVED = "received"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


CONDITIONS = ("good", "damaged")
_NEXT = {
    ReturnStatus.REQUESTED: {ReturnStatus.APPROVED, ReturnStatus.CANCELLED},
    ReturnStatus.APPROVED: {ReturnStatus.RECEIVED, ReturnStatus.REJECTED, ReturnStatus.CANCELLED},
}


class ReturnLine:
    def __init__(self, line_id: str, quantity: int) -> None:
        self.line_id = line_id
        self.quantity = quantity
        self.good: int | None = None  # set on receipt
        self.damaged: int | None = None


class Return:
    def __init__(
        self,
        order: Order,
        source: str,
        reason: str,
        description: str | None,
        lines: list[ReturnLine],
        ctx: Context,
        refund: bool = True,
    ) -> None:
        self.id: int | None = None
        self.order_id = order.id
        self.order_number = order.number
        self.channel = order.channel
        self.source = source
        self.reason = reason
        self.description = description
        self.lines = lines
        self.refund = refund  # False: covered by an exchange, no money goes back
        self.status = ReturnStatus.REQUESTED
        self.created_at, self.created_by = ctx.now, ctx.actor
        self.updated_at, self.updated_by = ctx.now, ctx.actor
        self.events = [PostSalesEvent("return.authorized", order.number, ctx.now, self)]

    @property
    def is_open(self) -> bool:
        return self.status in (ReturnStatus.REQUESTED, ReturnStatus.APPROVED)

    def approve(self, ctx: Context) -> None:
        self._to(ReturnStatus.APPROVED, "return.approved", ctx)

    def cancel(self, ctx: Context) -> None:
        self._to(ReturnStatus.CANCELLED, "return.cancelled", ctx)

    def receive(self, damaged: dict[str, int], settings: PostSalesSettings, ctx: Context) -> None:
        """Record each line's damaged units (the rest arrived good); rejected when nothing refundable came back."""
        if self.status != ReturnStatus.APPROVED:
            raise IllegalTransition(
                f"return {self.id} is {self.status}; only approved returns are received", self.status
            )
        known = {ln.line_id: ln for ln in self.lines}
        errors = [FieldError(f"damaged.{k}", "is not a line of this return") for k in damaged if k not in known]
        errors += [
            FieldError(f"damaged.{k}", f"must be between 0 and {known[k].quantity} (units returned)")
            for k, v in damaged.items()
            if k in known and not 0 <= v <= known[k].quantity
        ]
        if errors:
            raise InvalidInput(errors)
        for ln in self.lines:
            ln.damaged = damaged.get(ln.line_id, 0)
            ln.good = ln.quantity - ln.damaged
        all_damaged = all(ln.good == 0 for ln in self.lines)
        rejected = all_damaged and not settings.refund_damaged
        self._to(ReturnStatus.REJECTED if rejected else ReturnStatus.RECEIVED, "return.received", ctx)

    def refundable_units(self, settings: PostSalesSettings) -> dict[str, int]:
        if not self.refund or self.status != ReturnStatus.RECEIVED:
            return {}
        return {ln.line_id: ln.quantity if settings.refund_damaged else ln.good or 0 for ln in self.lines}

    def _to(self, status: ReturnStatus, topic: str, ctx: Context) -> None:
        current = ReturnStatus(self.status)
        if status not in _NEXT.get(current, set()):
            raise IllegalTransition(f"return {self.id} is {current}; it cannot become {status}", current)
        self.status = status
        self.updated_at, self.updated_by = ctx.now, ctx.actor
        self.events.append(PostSalesEvent(topic, self.order_number, ctx.now, self))

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "order_id": self.order_number,
            "channel": self.channel,
            "status": str(self.status),
            "source": self.source,
            "reason": self.reason,
            "description": self.description,
            "refund": self.refund,
            "lines": [
                {"line_id": ln.line_id, "quantity": ln.quantity, "good": ln.good, "damaged": ln.damaged}
                for ln in self.lines
            ],
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
            "updated_at": self.updated_at.isoformat(),
            "updated_by": self.updated_by,
        }

    def event_payload(self) -> dict[str, Any]:
        return self.as_json()


def shipped_units(order: Order, line_id: str) -> int:
    return sum(p.quantity for p in order.parts if p.line_id == line_id and p.status in HANDED_OVER)


def shipping_source(order: Order, line_id: str) -> str | None:
    sources = [p.source for p in order.parts if p.line_id == line_id and p.status == LineStatus.SHIPPED and p.source]
    return sources[0] if sources else None


def returnable(order: Order, returns: list[Return], line_id: str) -> int:
    """Shipped units of the line not yet on a return (open, received or rejected: they came back)."""
    taken = sum(
        ln.quantity for r in returns if r.status != ReturnStatus.CANCELLED for ln in r.lines if ln.line_id == line_id
    )
    return shipped_units(order, line_id) - taken


def check_returnable(order: Order, returns: list[Return], asked: dict[str, int], settings: PostSalesSettings) -> None:
    """Refuse, with the reason, lines that are not returnable in the asked quantity."""
    errors = []
    for line_id, quantity in asked.items():
        line = order.line(line_id)
        path = f"lines.{line_id}"
        if line.product_type == "virtual" and not settings.return_virtual:
            errors.append(FieldError(path, f"line {line_id} is not returnable: virtual products are not returned"))
            continue
        shipped, left = shipped_units(order, line_id), returnable(order, returns, line_id)
        if shipped == 0:
            errors.append(FieldError(path, f"line {line_id} is not returnable: no unit of it has shipped"))
        elif left == 0:
            errors.append(FieldError(path, f"line {line_id} is not returnable: every shipped unit is already returned"))
        elif quantity > left:
            errors.append(FieldError(path, f"at most {left} unit(s) of line {line_id} can be returned, not {quantity}"))
    if errors:
        raise InvalidInput(errors)


def refund_lines(
    order: Order, ret: Return, returns: list[Return], ledger: Ledger, settings: PostSalesSettings
) -> list[RefundLine]:
    """The refund of a received return by the refund rules (empty when it carries none)."""
    units = ret.refundable_units(settings)
    out = []
    for line_id, quantity in units.items():
        refund = ledger.unit_refund(line_id, quantity) if quantity > 0 else None
        if refund is not None:
            out.append(refund)
    if settings.refund_service_lines and units and _completes(order, returns):
        for service in order.service_lines:
            left = ledger.refundable(service.line_id)
            if left > 0:
                out.append(RefundLine(service.line_id, 0, left))
    return out


def _completes(order: Order, returns: list[Return]) -> bool:
    """Every unit the order did not cancel has come back."""
    back = {}
    for r in returns:
        if r.status in (ReturnStatus.RECEIVED, ReturnStatus.REJECTED):
            for ln in r.lines:
                back[ln.line_id] = back.get(ln.line_id, 0) + ln.quantity
    for line in order.lines:
        kept = sum(p.quantity for p in order.parts if p.line_id == line.line_id and p.status != LineStatus.CANCELLED)
        if back.get(line.line_id, 0) < kept:
            return False
    return True


def check_reason(reason: str, allowed: tuple[str, ...], path: str = "reason") -> None:
    if reason not in allowed:
        raise InvalidInput([FieldError(path, f"must be one of the channel's reasons: {', '.join(allowed)}")])


def refuse_unless(condition: bool, message: str) -> None:
    if not condition:
        raise Refused(message)
