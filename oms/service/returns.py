"""Return commands: authorize, approve, cancel, receive (which computes and records the refund).

Each handler locks the order's row, so returns, refunds and appeasements of one
order are decided one at a time; the refund a receipt creates is checked
against the money invariant in the same transaction as its write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from oms import limits as lim
from oms.adapters import tables as t
from oms.domain.catalog import Channel
from oms.domain.order import Order
from oms.domain.parts import StockMove
from oms.domain.refunds import Ledger, Refund
from oms.domain.returns import Return, ReturnLine, check_reason, check_returnable, refund_lines, shipping_source
from oms.errors import FieldError, InvalidInput, NotFound
from oms.service.app import Oms, transact
from oms.service.settlement import refund_on_paid_order, settle_exchange
from oms.service.unit_of_work import UnitOfWork

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ReturnRequest:
    """What a customer sends back: units per line, why, and where to."""

    lines: dict[str, int]
    reason: str
    description: str | None = None
    source: str | None = None  # the return-to source; default: the source that shipped


def check_units(lines: Any, path: str = "lines") -> None:
    """Lines as {line id: units}: at least one, each a known-size code and a positive bounded integer."""
    errors: list[FieldError] = []
    if not isinstance(lines, dict) or not lines:
        raise InvalidInput([FieldError(path, "must name at least one line with its units")])
    if len(lines) > lim.MAX_LINES:
        raise InvalidInput([FieldError(path, f"must name at most {lim.MAX_LINES:,} lines")])
    for line_id, units in lines.items():
        lim.check_text(errors, f"{path}.{str(line_id)[:64]}", line_id, lim.MAX_CODE)
        if type(units) is not int or not 1 <= units <= lim.MAX_LINE_QUANTITY:
            errors.append(FieldError(f"{path}.{line_id}", f"must be an integer from 1 to {lim.MAX_LINE_QUANTITY:,}"))
    if errors:
        raise InvalidInput(errors)


def authorize_return(app: Oms, number: str, channel: str | None, request: ReturnRequest, actor: str) -> dict:
    """Authorize a return of shipped units; approved at once when the channel auto-approves returns."""
    check_units(request.lines)
    errors: list[FieldError] = []
    lim.check_text(errors, "reason", request.reason, lim.MAX_REASON)
    lim.check_text(errors, "description", request.description, lim.MAX_NOTE, code=False)
    lim.check_text(errors, "source", request.source, lim.MAX_CODE)
    if errors:
        raise InvalidInput(errors)

    def work(uow: UnitOfWork) -> dict:
        order = uow.orders.by_number(number, channel, lock=True)
        settings = _channel(uow, order).post_sales
        check_reason(request.reason, settings.return_reasons)
        returns = uow.post_sales.returns_of(_id(order))
        check_returnable(order, returns, request.lines, settings)
        source = request.source or shipping_source(order, next(iter(request.lines)))
        check_return_source(uow, source)
        ctx = uow.context(actor)
        lines = [ReturnLine(line_id, quantity) for line_id, quantity in request.lines.items()]
        ret = Return(order, source or "", request.reason, request.description, lines, ctx)
        uow.post_sales.add(ret)
        if settings.auto_approve_returns:
            ret.approve(ctx)
        uow.commit()
        return ret.as_json()

    return transact(app, work)


def check_return_source(uow: UnitOfWork, source: str | None) -> None:
    sources = uow.catalog.snapshot().sources
    if source is None:
        raise InvalidInput([FieldError("source", "required: no source shipped these lines")])
    if source not in sources:
        raise InvalidInput([FieldError("source", f"unknown source {source!r}")])
    if "returns" not in sources[source].capabilities:
        raise InvalidInput([FieldError("source", f"source {source!r} does not accept returns (capability 'returns')")])


def approve_return(app: Oms, return_id: int, actor: str) -> dict:
    return _on_return(app, return_id, lambda uow, order, ret: ret.approve(uow.context(actor)))


def cancel_return(app: Oms, return_id: int, actor: str) -> dict:
    """Cancel a return not yet received (and the exchange waiting for it)."""

    def cancel(uow: UnitOfWork, order: Order, ret: Return) -> None:
        ctx = uow.context(actor)
        ret.cancel(ctx)
        settle_exchange(app, uow, order, ret, ctx)

    return _on_return(app, return_id, cancel)


def receive_return(app: Oms, return_id: int, damaged: dict[str, int], actor: str) -> dict:
    """Record the units' condition; refund what the refund rules give; restock good units if the channel does."""

    def receive(uow: UnitOfWork, order: Order, ret: Return) -> None:
        ctx = uow.context(actor)
        channel = _channel(uow, order)
        ret.receive(damaged, channel.post_sales, ctx)
        if channel.post_sales.restock_returns:
            for ln in ret.lines:
                if ln.good:
                    order.moves.append(
                        StockMove(ret.source, order.line(ln.line_id).sku, on_hand=ln.good, cause="return")
                    )
        settle_exchange(app, uow, order, ret, ctx)
        if refund_on_paid_order(uow, order, ret, channel.post_sales, ctx):
            return
        returns = uow.post_sales.returns_of(_id(order))
        refunds = uow.post_sales.refunds_of(_id(order))
        ledger = Ledger(order, refunds)
        lines = refund_lines(order, ret, returns, ledger, channel.post_sales)
        if lines:
            ledger.check(lines)
            refund = Refund(order, "refund", ret.reason, lines, ctx, return_id=ret.id)
            uow.post_sales.add(refund)
            refund.submit(channel.post_sales.auto_release_refunds, ctx)

    return _on_return(app, return_id, receive)


def _on_return(app: Oms, return_id: int, step: Callable[[UnitOfWork, Order, Return], None]) -> dict:
    def work(uow: UnitOfWork) -> dict:
        order = uow.orders.get(uow.post_sales.order_of(t.returns, return_id, "return"), lock=True)
        ret = next((r for r in uow.post_sales.returns_of(_id(order)) if r.id == return_id), None)
        if ret is None:
            raise NotFound(f"no return {return_id}")
        step(uow, order, ret)
        uow.commit()
        return ret.as_json()

    return transact(app, work)


def list_returns(app: Oms, number: str, channel: str | None = None) -> list[dict]:
    def read(uow: UnitOfWork) -> list[dict]:
        order = uow.orders.by_number(number, channel)
        return [r.as_json() for r in uow.post_sales.returns_of(_id(order))]

    return transact(app, read, readonly=True)


def show_return(app: Oms, return_id: int) -> dict:
    def read(uow: UnitOfWork) -> dict:
        order = uow.orders.get(uow.post_sales.order_of(t.returns, return_id, "return"))
        return next(r.as_json() for r in uow.post_sales.returns_of(_id(order)) if r.id == return_id)

    return transact(app, read, readonly=True)


def _channel(uow: UnitOfWork, order: Order) -> Channel:
    return uow.catalog.snapshot().channels[order.channel]


def _id(order: Order) -> int:
    assert order.id is not None
    return order.id
