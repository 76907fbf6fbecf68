"""Adjust a line's price while a store picks it; a decrease refunds the difference in the same transaction."""

from __future__ import annotations

from typing import Any

from oms import limits as lim
from oms.domain.money import amount_problem, minor_digits, rounded, to_amount
from oms.domain.price_adjustments import PriceAdjustment, check_limits, picking_store
from oms.domain.refunds import Ledger, Refund, RefundLine
from oms.errors import FieldError, InvalidInput, Refused
from oms.service.app import Oms, transact
from oms.service.unit_of_work import UnitOfWork


def adjust_price(app: Oms, number: str, channel: str | None, line_id: str, price: Any, actor: str) -> dict:
    """Change the unit price of a line being picked at a store (MOM's price adjustment)."""
    errors: list[FieldError] = []
    lim.check_text(errors, "line_id", line_id, lim.MAX_CODE)
    if (problem := amount_problem(price)) is not None:
        errors.append(FieldError("price", problem))
    if errors:
        raise InvalidInput(errors)

    def work(uow: UnitOfWork) -> dict:
        order = uow.orders.by_number(number, channel, lock=True)
        assert order.id is not None
        line = order.line(line_id)
        snapshot = uow.catalog.snapshot()
        settings = snapshot.channels[order.channel].post_sales
        if (problem := amount_problem(price, minor_digits(order.currency), currency=order.currency)) is not None:
            raise InvalidInput([FieldError("price", problem)])
        product = uow.catalog.products(snapshot, {line.sku}).get(line.sku)
        if product is None or not product.price_adjustable:
            raise Refused(f"product {line.sku!r} is not price_adjustable: line {line_id}'s price cannot change")
        stores = {code for code, source in snapshot.sources.items() if source.type == "store"}
        source, units = picking_store(order, line_id, stores)
        earlier = [a for a in uow.post_sales.adjustments_of(order.id) if a.line_id == line_id]
        current = earlier[-1].new_price if earlier else line.unit_price
        new = to_amount(price)
        if new == current:
            raise Refused(f"line {line_id} already costs {price}")
        check_limits(line.unit_price, new, settings, order.currency)
        ctx = uow.context(actor)
        adjustment = PriceAdjustment(order, line_id, current, new, units, source, ctx)
        uow.post_sales.add(adjustment)
        if new < current:
            ledger = Ledger(order, uow.post_sales.refunds_of(order.id))
            lines = [RefundLine(line_id, 0, rounded(adjustment.difference, order.currency))]
            ledger.check(lines)
            refund = Refund(order, "refund", "PRICE_ADJUSTMENT", lines, ctx, note=f"price {current} -> {new}")
            uow.post_sales.add(refund)
            refund.submit(settings.auto_release_refunds, ctx)
            uow.session.flush()
            adjustment.refund_id = refund.id
        uow.commit()
        return adjustment.as_json()

    return transact(app, work)
