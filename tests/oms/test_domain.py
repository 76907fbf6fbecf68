"""The order aggregate on its own: no database, plain objects."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from oms.domain.cancellation import cancel
from oms.domain.events import Context, StatusChange
from oms.domain.order import Order, OrderLine
from oms.domain.statuses import LineStatus, OrderStatus, Reason
from oms.errors import IllegalTransition, Refused

CTX = Context("test", datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
L = LineStatus


def new_order(*quantities: int) -> Order:
    lines = [OrderLine(str(i), f"SKU{i}", q, position=i) for i, q in enumerate(quantities, start=1)]
    return Order("web", "O1", lines, "ship", CTX, address={"lat": 52.5, "lon": 13.4})


def line_changes(order: Order) -> list[tuple[str, str | None, str, int]]:
    return [
        (e.entity_id, e.from_status, e.to_status, e.quantity)
        for e in order.events
        if isinstance(e, StatusChange) and e.entity == "line"
    ]


def test_moving_some_units_splits_the_part_and_records_how_many_moved() -> None:
    order = new_order(5)
    moved = order.move(order.parts[0], 2, L.CANCELLED, Reason.OUTOFSTOCK, CTX)
    assert moved.quantity == 2 and order.units("1") == {"NEW": 3, "CANCELLED": 2}
    assert line_changes(order) == [("1", "NEW", "CANCELLED", 2)]


def test_an_illegal_line_transition_names_the_current_status() -> None:
    order = new_order(1)
    order.move(order.parts[0], 1, L.CANCELLED, Reason.CUSTOMERREQ, CTX)
    with pytest.raises(IllegalTransition, match="line 1 is CANCELLED; it cannot go to SHIPPED"):
        order.move(order.parts[0], 1, L.SHIPPED, Reason.OSREPORT, CTX)


def test_parts_that_become_alike_merge_again() -> None:
    order = new_order(4)
    order.move(order.parts[0], 1, L.NEW, Reason.BACKORDERED, CTX)
    order.move(order.parts[0], 3, L.NEW, Reason.BACKORDERED, CTX)
    order.compact()
    assert [(p.quantity, p.reason) for p in order.parts] == [(4, Reason.BACKORDERED)]


def test_an_order_cancelled_before_logistics_is_cancelled_with_the_reason() -> None:
    order = new_order(1, 2)
    for part in list(order.parts):
        order.move(part, part.quantity, L.CANCELLED, Reason.OUTOFSTOCK, CTX)
    order.refresh_status(CTX)
    assert (order.status, order.reason) == (OrderStatus.CANCELLED, Reason.OUTOFSTOCK)


def test_a_finished_order_passes_through_logistics_complete_with_the_reason_that_says_how() -> None:
    order = new_order(1, 1)
    first, second = order.parts
    order.move(first, 1, L.SHIPPED, Reason.VIRTUAL, CTX)
    order.move(second, 1, L.CANCELLED, Reason.OUTOFSTOCK, CTX)
    order.refresh_status(CTX)
    path = [(e.to_status, e.to_reason) for e in order.events if isinstance(e, StatusChange) and e.entity == "order"]
    assert path[1:] == [
        (OrderStatus.LOGISTICS, Reason.READYTOSHIP),
        (OrderStatus.LOGISTICSCOMPLETE, Reason.PARTIALLYSHIPPED),
        (OrderStatus.COMPLETE, Reason.PARTIALLYSHIPPED),
    ]


def test_waiting_units_cancel_first_and_a_final_order_cannot_be_cancelled() -> None:
    order = new_order(3)
    order.move(order.parts[0], 3, L.NEW, Reason.BACKORDERED, CTX)
    assert cancel(order, {"1": 2}, Reason.CUSTOMERREQ, CTX) == 2
    assert cancel(order, None, Reason.CUSTOMERREQ, CTX) == 1
    order.refresh_status(CTX)
    with pytest.raises(Refused, match="is CANCELLED"):
        cancel(order, None, Reason.CUSTOMERREQ, CTX)
