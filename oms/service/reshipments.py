"""Reshipments (MOM section 16): shipped units the customer never got, sent again in a linked order.

A reshipment is a new order ``<id>-R1`` (then ``-R2``...) of type reshipment,
price zero, sourced like any order.  Only shipped units, at most the shipped
quantity less what was already reshipped; the check, the new order and its
``reshipment.created`` event share one transaction, with the original's row
locked so that two reshipments of one order are decided one at a time.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from oms import limits as lim
from oms.adapters import tables as t
from oms.domain.order import Order
from oms.domain.post_sales import PostSalesEvent
from oms.domain.returns import check_reason, shipped_units
from oms.errors import FieldError, InvalidInput
from oms.schemas import load_intake_order
from oms.service.app import Oms, transact
from oms.service.orders import payload_digest, record_order, unit_summary
from oms.service.returns import check_units
from oms.service.unit_of_work import UnitOfWork


class Reshipped:
    """The reshipment order, as the event and the answer describe it."""

    def __init__(self, original: Order, order: Order, reason: str) -> None:
        self.original, self.order, self.reason = original, order, reason

    def event_payload(self) -> dict[str, Any]:
        units, _ = unit_summary(self.order)
        return {
            "order_id": self.order.number,
            "channel": self.order.channel,
            "original_order_id": self.original.number,
            "reason": self.reason,
            "status": str(self.order.status),
            "lines": [{"line_id": ln.line_id, "sku": ln.sku, "quantity": ln.quantity} for ln in self.order.lines],
            "units": units,
        }


def reship(app: Oms, number: str, channel: str | None, lines: dict[str, int], reason: str, actor: str) -> dict:
    """Send shipped units again, free of charge, in a new linked order."""
    check_units(lines)
    errors: list[FieldError] = []
    lim.check_text(errors, "reason", reason, lim.MAX_REASON)
    if errors:
        raise InvalidInput(errors)

    def work(uow: UnitOfWork) -> dict:
        original = uow.orders.by_number(number, channel, lock=True)
        check_reason(reason, uow.catalog.snapshot().channels[original.channel].post_sales.reshipment_reasons)
        earlier = _reshipped(uow, original)
        _check_reshippable(original, lines, earlier)
        doc = _document(original, lines, f"{original.number}-R{len(earlier) + 1}", reason)
        order = record_order(app, uow, doc, load_intake_order(doc, internal=True), payload_digest(doc), actor)
        made = Reshipped(original, order, reason)
        uow.events.append(PostSalesEvent("reshipment.created", original.number, uow.now, made))
        uow.commit()
        return made.event_payload()

    return transact(app, work)


def _reshipped(uow: UnitOfWork, original: Order) -> dict[str, dict[str, int]]:
    """Units already reshipped, per reshipment order and line."""
    o, ln = t.orders.c, t.order_lines.c
    rows = uow.session.execute(
        select(o.number, ln.line_id, ln.quantity)
        .join(t.order_lines, ln.order_id == o.id)
        .where(o.channel == original.channel, o.original_number == original.number, o.type == "reshipment")
    )
    found: dict[str, dict[str, int]] = {}
    for row in rows:
        found.setdefault(row.number, {})[row.line_id] = row.quantity
    return found


def _check_reshippable(original: Order, lines: dict[str, int], earlier: dict[str, dict[str, int]]) -> None:
    errors = []
    for line_id, quantity in lines.items():
        original.line(line_id)  # NotFound names an unknown line
        done = sum(units.get(line_id, 0) for units in earlier.values())
        left = shipped_units(original, line_id) - done
        if left <= 0:
            errors.append(FieldError(f"lines.{line_id}", f"line {line_id} has no shipped unit left to reship"))
        elif quantity > left:
            errors.append(FieldError(f"lines.{line_id}", f"at most {left} unit(s) of line {line_id} can be reshipped"))
    if errors:
        raise InvalidInput(errors)


def _document(original: Order, lines: dict[str, int], number: str, reason: str) -> dict[str, Any]:
    if original.delivery_method == "pickup":
        delivery: dict[str, Any] = {"method": "pickup", "pickup_source": original.pickup_source}
    else:
        address = {k: v for k, v in (original.address or {}).items() if v is not None}
        delivery = {"method": "ship", "address": address}
    return {
        "id": number,
        "channel": original.channel,
        "type": "reshipment",
        "original_order_id": original.number,
        "currency": original.currency,
        "delivery": delivery,
        "lines": [
            {"id": line_id, "sku": original.line(line_id).sku, "quantity": quantity, "unit_price": 0}
            for line_id, quantity in lines.items()
        ],
        "attributes": {"reshipment_reason": reason},
    }
