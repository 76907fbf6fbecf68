"""Exchanges (MOM section 16): shipped units swapped for other SKUs, through a return that refunds nothing.

An exchange takes shipped units of an order's lines back on a return that
carries no refund, and sends new SKUs in a linked order ``<id>-E1`` (then
``-E2``...) of type exchange.  Its lines keep the ids of the lines they
replace and carry their value (the original unit price, with the line's
discount and tax pro rata), so that a later return of an exchanged item is
refunded on the original order, line for line.  No money moves: the
difference with the new SKUs' prices, when given, is reported, not charged.

A line exchanged once is never exchanged again (its exchange may be, as an
order of its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from oms.domain.money import ZERO, share, text
from oms.domain.returns import Return, ReturnStatus, returnable, shipped_units
from oms.errors import FieldError, InvalidInput

if TYPE_CHECKING:
    from oms.domain.order import Order, OrderLine

EXCHANGE_REASON = "EXCHANGE"  # the reason of an exchange's return when none is given


@dataclass(frozen=True, slots=True)
class ExchangeLine:
    """``quantity`` units of an order line, swapped for ``sku``; ``new_unit_price`` only reports a difference."""

    quantity: int
    sku: str
    new_unit_price: Decimal | None = None


def exchanged_lines(returns: list[Return]) -> dict[str, int]:
    """Lines of the order already exchanged: line id -> the id of the return that took them back."""
    return {ln.line_id: r.id or 0 for r in returns if not r.refund for ln in r.lines}


def check_exchangeable(
    order: Order, returns: list[Return], asked: dict[str, ExchangeLine], known_skus: set[str]
) -> None:
    """Refuse, naming each line, what cannot be exchanged: every problem at once."""
    errors: list[FieldError] = []
    done = exchanged_lines(returns)
    ids = {ln.line_id for ln in order.lines}
    for line_id, want in asked.items():
        path = f"lines.{line_id}"
        if line_id not in ids:
            errors.append(FieldError(path, f"order {order.number} has no line {line_id!r}"))
            continue
        if want.sku not in known_skus:
            errors.append(FieldError(f"{path}.sku", f"unknown SKU {want.sku!r}"))
        shipped, left = shipped_units(order, line_id), returnable(order, returns, line_id)
        if line_id in done:
            errors.append(FieldError(path, f"line {line_id} was exchanged already (return {done[line_id]})"))
        elif shipped == 0:
            errors.append(FieldError(path, f"line {line_id} cannot be exchanged: no unit of it has shipped"))
        elif left == 0:
            errors.append(FieldError(path, f"line {line_id} cannot be exchanged: every shipped unit is returned"))
        elif want.quantity > left:
            errors.append(FieldError(f"{path}.quantity", f"at most {left} unit(s) of line {line_id} can be exchanged"))
    if errors:
        raise InvalidInput(errors)


def exchange_value(line: OrderLine, units: int, currency: str) -> dict[str, Decimal]:
    """What ``units`` of ``line`` were paid: its unit price, and its discount and tax pro rata."""
    discount = share(line.discount, units, line.quantity, currency)
    tax = share(line.tax, units, line.quantity, currency)
    return {"unit_price": line.unit_price, "discount": discount, "tax": tax}


def exchange_document(
    original: Order, lines: dict[str, ExchangeLine], number: str, return_id: int, reason: str
) -> dict[str, Any]:
    """The exchange order as intake reads it: the original's delivery, the new SKUs at the old value."""
    cur = original.currency
    if original.delivery_method == "pickup":
        delivery: dict[str, Any] = {"method": "pickup", "pickup_source": original.pickup_source}
    else:
        delivery = {"method": "ship", "address": {k: v for k, v in (original.address or {}).items() if v is not None}}
    doc_lines = []
    for line_id, want in lines.items():
        value = exchange_value(original.line(line_id), want.quantity, cur)
        doc_lines.append(
            {"id": line_id, "sku": want.sku, "quantity": want.quantity, **{k: text(v, cur) for k, v in value.items()}}
        )
    return {
        "id": number,
        "channel": original.channel,
        "type": "exchange",
        "original_order_id": original.number,
        "currency": cur,
        "delivery": delivery,
        "lines": doc_lines,
        "attributes": {"exchange_return_id": str(return_id), "exchange_reason": reason},
    }


def price_difference(original: Order, lines: dict[str, ExchangeLine]) -> Decimal | None:
    """New prices less the value of the units they replace (reported, never charged); None without prices."""
    priced = [(line_id, want) for line_id, want in lines.items() if want.new_unit_price is not None]
    if not priced:
        return None
    total = ZERO
    for line_id, want in priced:
        line = original.line(line_id)
        value = exchange_value(line, want.quantity, original.currency)
        paid = value["unit_price"] * want.quantity - value["discount"] + value["tax"]
        total += (want.new_unit_price or ZERO) * want.quantity - paid
    return total


def return_of_exchange(order: Order) -> int | None:
    """The id of the return an exchange order waits for (None for other orders)."""
    value = order.attributes.get("exchange_return_id") if order.type == "exchange" else None
    return int(value) if isinstance(value, str) and value.isdigit() else None


def units_back(ret: Return) -> tuple[dict[str, int], dict[str, int]]:
    """Per line, the units of a settled return that came back good, and those that did not (damaged, rejected)."""
    if ret.status == ReturnStatus.RECEIVED:
        return {ln.line_id: ln.good or 0 for ln in ret.lines}, {ln.line_id: ln.damaged or 0 for ln in ret.lines}
    return {}, {ln.line_id: ln.quantity for ln in ret.lines}  # rejected or cancelled: nothing good came back
