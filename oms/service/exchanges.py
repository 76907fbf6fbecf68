"""Exchange command: shipped units back on a return that refunds nothing, new SKUs out in a linked order.

The checks, the return, the exchange order ``<id>-E1`` (sourced at once, or
ON HOLD with ``WAITING_RETURN`` when the channel's ``exchange_mode`` is
``after_return``) and the ``exchange.created`` event share one transaction,
with the original's row locked so that two exchanges of one order are decided
one at a time.  What the return's receipt does to the exchange is in
``oms.service.settlement``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from oms import limits as lim
from oms.adapters import tables as t
from oms.contacts import CustomerSchema
from oms.domain import holds
from oms.domain.exchanges import EXCHANGE_REASON, ExchangeLine, check_exchangeable, exchange_document, price_difference
from oms.domain.money import MAX_DIGITS, amount_problem, minor_digits, text, to_amount
from oms.domain.order import Order
from oms.domain.post_sales import PostSalesEvent
from oms.domain.returns import Return, ReturnLine, check_reason, shipping_source
from oms.errors import FieldError, InvalidInput
from oms.schemas import load_intake_order
from oms.service.app import Oms, transact
from oms.service.orders import payload_digest, record_order, unit_summary
from oms.service.returns import check_return_source, check_units
from oms.service.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class ExchangeRequest:
    """Units of lines to swap, each for a new SKU; the return's reason and return-to source are optional."""

    lines: dict[str, ExchangeLine]
    reason: str | None = None
    source: str | None = None  # default: the source that shipped


class Exchanged:
    """The exchange, as its event and the answer describe it."""

    def __init__(self, original: Order, order: Order, ret: Return, difference: Decimal | None, mode: str) -> None:
        self.original, self.order, self.ret, self.difference, self.mode = original, order, ret, difference, mode

    def event_payload(self) -> dict[str, Any]:
        cur = self.order.currency
        units, _ = unit_summary(self.order)
        return {
            "order_id": self.order.number,
            "channel": self.order.channel,
            "original_order_id": self.original.number,
            "return_id": self.ret.id,
            "return_status": str(self.ret.status),
            "mode": self.mode,
            "status": str(self.order.status),
            "reason": self.order.reason,
            "currency": cur,
            "lines": [
                {
                    "line_id": ln.line_id,
                    "old_sku": self.original.line(ln.line_id).sku,
                    "sku": ln.sku,
                    "quantity": ln.quantity,
                    "value": text(ln.paid, cur),
                }
                for ln in self.order.lines
            ],
            "price_difference": None if self.difference is None else text(self.difference, cur),
            "units": units,
            "created_by": self.ret.created_by,
        }


def check_exchange_request(request: ExchangeRequest) -> None:
    """Bounds of every input, before any look-up: every problem at once."""
    check_units({line_id: want.quantity for line_id, want in request.lines.items()})
    errors: list[FieldError] = []
    for line_id, want in request.lines.items():
        lim.check_text(errors, f"lines.{line_id}.sku", want.sku, lim.MAX_CODE)
        if want.new_unit_price is not None and (problem := amount_problem(want.new_unit_price, MAX_DIGITS)):
            errors.append(FieldError(f"lines.{line_id}.new_unit_price", problem))
    lim.check_text(errors, "reason", request.reason, lim.MAX_REASON)
    lim.check_text(errors, "source", request.source, lim.MAX_CODE)
    if errors:
        raise InvalidInput(errors)


def create_exchange(app: Oms, number: str, channel: str | None, request: ExchangeRequest, actor: str) -> dict:
    """Take shipped units back without a refund and send new SKUs at their value in order ``<id>-E<n>``."""
    check_exchange_request(request)

    def work(uow: UnitOfWork) -> dict:
        original = uow.orders.by_number(number, channel, lock=True)
        assert original.id is not None
        snapshot = uow.catalog.snapshot()
        settings = snapshot.channels[original.channel].post_sales
        if request.reason is not None:
            check_reason(request.reason, settings.return_reasons)
        returns = uow.post_sales.returns_of(original.id)
        known = set(uow.catalog.products(snapshot, {want.sku for want in request.lines.values()}))
        check_exchangeable(original, returns, request.lines, known)
        lines = _priced(original, request.lines)
        source = request.source or shipping_source(original, next(iter(lines)))
        check_return_source(uow, source)
        ctx = uow.context(actor)
        reason = request.reason or EXCHANGE_REASON
        back = [ReturnLine(line_id, want.quantity) for line_id, want in lines.items()]
        ret = Return(original, source or "", reason, None, back, ctx, refund=False)  # paid back in goods
        uow.post_sales.add(ret)
        if settings.auto_approve_returns:
            ret.approve(ctx)
        uow.session.flush()  # the return's id, which the exchange order names
        assert ret.id is not None
        doc = exchange_document(original, lines, _next_number(uow, original), ret.id, reason)
        if original.customer:
            doc["customer"] = {k: v for k, v in original.customer.items() if k in CustomerSchema().fields and v}
        waiting = settings.exchange_mode == "after_return"
        hold = (holds.WAITING_RETURN, f"return {ret.id}") if waiting else None
        order = record_order(app, uow, doc, load_intake_order(doc, internal=True), payload_digest(doc), actor, hold)
        made = Exchanged(original, order, ret, price_difference(original, lines), settings.exchange_mode)
        uow.events.append(PostSalesEvent("exchange.created", original.number, uow.now, made))
        uow.commit()
        return made.event_payload()

    return transact(app, work)


def _priced(original: Order, lines: dict[str, ExchangeLine]) -> dict[str, ExchangeLine]:
    """The new unit prices (reported only) as exact amounts in the order's currency."""
    digits, errors, out = minor_digits(original.currency), [], {}
    for line_id, want in lines.items():
        price = want.new_unit_price
        if price is not None and (problem := amount_problem(price, digits, currency=original.currency)):
            errors.append(FieldError(f"lines.{line_id}.new_unit_price", problem))
            continue
        out[line_id] = ExchangeLine(want.quantity, want.sku, None if price is None else to_amount(price))
    if errors:
        raise InvalidInput(errors)
    return out


def _next_number(uow: UnitOfWork, original: Order) -> str:
    o = t.orders.c
    made = uow.session.scalar(
        select(func.count()).where(
            o.channel == original.channel, o.original_number == original.number, o.type == "exchange"
        )
    )
    return f"{original.number}-E{(made or 0) + 1}"
