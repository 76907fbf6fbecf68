"""Refund and appeasement commands: release, cancel, list; create an appeasement.

Creating money (an appeasement here, a refund on a return's receipt) checks
the money invariant in the same transaction as the write, with the order's row
locked so that concurrent requests on one order are decided one at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from oms import limits as lim
from oms.adapters import tables as t
from oms.domain.money import amount_problem, minor_digits, to_amount
from oms.domain.order import Order
from oms.domain.refunds import Ledger, Refund, RefundLine
from oms.domain.returns import check_reason
from oms.errors import FieldError, InvalidInput, NotFound, Refused
from oms.service.app import Oms, transact
from oms.service.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Appeasement:
    """Goodwill without a return: an amount on the order (``amount``) or on lines (``lines``)."""

    reason: str
    amount: Any = None
    lines: dict[str, Any] = field(default_factory=dict)
    note: str | None = None


def appease(app: Oms, number: str, channel: str | None, request: Appeasement, actor: str) -> dict:
    """Create an appeasement; released at once when the channel auto-releases refunds."""
    errors: list[FieldError] = []
    lim.check_text(errors, "reason", request.reason, lim.MAX_REASON)
    lim.check_text(errors, "note", request.note, lim.MAX_NOTE, code=False)
    if (request.amount is None) == (not request.lines):
        errors.append(FieldError("amount", "give either an amount for the order or amounts per line"))
    if len(request.lines) > lim.MAX_LINES:
        errors.append(FieldError("lines", f"must name at most {lim.MAX_LINES:,} lines"))
    if errors:
        raise InvalidInput(errors)

    def work(uow: UnitOfWork) -> dict:
        order = uow.orders.by_number(number, channel, lock=True)
        settings = uow.catalog.snapshot().channels[order.channel].post_sales
        check_reason(request.reason, settings.appeasement_reasons)
        ledger = Ledger(order, uow.post_sales.refunds_of(_id(order)))
        lines = _appeasement_lines(order, ledger, request)
        ledger.check(lines)
        ctx = uow.context(actor)
        refund = Refund(order, "appeasement", request.reason, lines, ctx, note=request.note)
        uow.post_sales.add(refund)
        refund.submit(settings.auto_release_refunds, ctx)
        uow.commit()
        return refund.as_json()

    return transact(app, work)


def _appeasement_lines(order: Order, ledger: Ledger, request: Appeasement) -> list[RefundLine]:
    digits = minor_digits(order.currency)
    if request.amount is not None:
        return ledger.spread(_positive(request.amount, "amount", digits, order.currency))
    lines = []
    for line_id, amount in request.lines.items():
        order.charge(line_id)  # NotFound names the unknown line
        lines.append(RefundLine(line_id, 0, _positive(amount, f"lines.{line_id}", digits, order.currency)))
    return lines


def _positive(value: Any, path: str, digits: int, currency: str) -> Decimal:
    problem = amount_problem(value, digits, currency=currency)
    if problem is None and to_amount(value) == 0:
        problem = "must be more than 0"
    if problem:
        raise InvalidInput([FieldError(path, problem)])
    return to_amount(value)


def release_refund(app: Oms, refund_id: int, actor: str) -> dict:
    """Release a refund or appeasement waiting for release: the payment integration acts on the event."""
    return _on_refund(app, refund_id, lambda uow, refund: refund.release(uow.context(actor)))


def cancel_refund(app: Oms, refund_id: int, actor: str) -> dict:
    def cancel(uow: UnitOfWork, refund: Refund) -> None:
        if refund.status == "released":
            raise Refused(f"{refund.kind} {refund.id} is released: the payment integration has acted on it")
        refund.cancel(uow.context(actor))

    return _on_refund(app, refund_id, cancel)


def _on_refund(app: Oms, refund_id: int, step: Callable[[UnitOfWork, Refund], None]) -> dict:
    def work(uow: UnitOfWork) -> dict:
        order = uow.orders.get(uow.post_sales.order_of(t.refunds, refund_id, "refund"), lock=True)
        refund = next((r for r in uow.post_sales.refunds_of(_id(order)) if r.id == refund_id), None)
        if refund is None:
            raise NotFound(f"no refund {refund_id}")
        step(uow, refund)
        uow.commit()
        return refund.as_json()

    return transact(app, work)


def list_refunds(app: Oms, number: str, channel: str | None = None, kind: str | None = None) -> list[dict]:
    def read(uow: UnitOfWork) -> list[dict]:
        order = uow.orders.by_number(number, channel)
        return [r.as_json() for r in uow.post_sales.refunds_of(_id(order)) if kind is None or r.kind == kind]

    return transact(app, read, readonly=True)


def _id(order: Order) -> int:
    assert order.id is not None
    return order.id
