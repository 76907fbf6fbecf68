"""Sources ship a request in packages, each with its own tracking; on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from oms.adapters import tables as t
from oms.errors import IllegalTransition, InvalidInput, Refused
from oms.service import fulfillment as ff
from oms.service.catalog import load_network
from oms.service.orders import cancel_order, place_order
from oms.service.views import order_view, stock_view
from tests.oms.builders import network, order
from tests.oms.invariants import check_invariants


def shipped_events(app) -> list[dict]:
    with app.uow(readonly=True) as uow:
        o = t.outbox.c
        return list(uow.session.scalars(select(o.payload).where(o.topic == "shipment.shipped").order_by(o.id)))


def the_request(app, number: str) -> dict:
    [req] = [r for r in order_view(app, number)["shipment_requests"] if r["method"] == "HOME"]
    return req


def test_a_request_ships_in_two_packages_and_is_shipped_when_the_last_unit_leaves(app):
    load_network(app, network({("WH1", "A"): 5, ("WH1", "B"): 5}))
    place_order(app, order("O1", ("A", 3), ("B", 1)))
    request_id = the_request(app, "O1")["request_id"]
    ff.acknowledge(app, request_id)
    first = ff.ship(app, request_id, "DHL", "JJD1", lines={"1": 2})
    assert (first.request_status, first.open_units, first.order_reason) == ("ACKNOWLEDGED", 2, "PARTIALLYSHIPPED")
    assert order_view(app, "O1")["lines"][0]["units"] == {"SHIPPED": 2, "RECEIVEDBYLOGISTICS": 1}
    rows = {r["sku"]: (r["on_hand"], r["reserved"]) for r in stock_view(app)["rows"]}
    assert rows == {"A": (3, 1), "B": (5, 1)}
    second = ff.ship(app, request_id, "UPS", "1Z2", lines={"1": None, "2": 1})
    assert (second.request_status, second.open_units, second.order_status) == ("SHIPPED", 0, "COMPLETE")
    req = the_request(app, "O1")
    assert [(p["carrier"], p["tracking"]) for p in req["packages"]] == [("DHL", "JJD1"), ("UPS", "1Z2")]
    assert [p["lines"] for p in req["packages"]] == [
        [{"line_id": "1", "sku": "A", "quantity": 2}],
        [{"line_id": "1", "sku": "A", "quantity": 1}, {"line_id": "2", "sku": "B", "quantity": 1}],
    ]
    events = shipped_events(app)
    assert [(e["package_id"], e["tracking"]) for e in events] == [
        (first.package_id, "JJD1"),
        (second.package_id, "1Z2"),
    ]
    assert [e["request_status"] for e in events] == ["ACKNOWLEDGED", "SHIPPED"]
    check_invariants(app)


def test_shipping_without_lines_ships_every_open_unit_as_one_package(app):
    load_network(app, network({("WH1", "A"): 5}))
    place_order(app, order("O1", ("A", 3)))
    request_id = the_request(app, "O1")["request_id"]
    ff.ship(app, request_id, "DHL", "P1", lines={"1": 1})
    done = ff.ship(app, request_id, "DHL", "P2")
    assert done.request_status == "SHIPPED"
    assert [p["lines"][0]["quantity"] for p in the_request(app, "O1")["packages"]] == [1, 2]
    with pytest.raises(IllegalTransition, match="is SHIPPED"):
        ff.ship(app, request_id, "DHL", "P3")
    check_invariants(app)


def test_a_package_of_more_units_than_are_open_or_of_a_foreign_line_is_refused_and_changes_nothing(app):
    load_network(app, network({("WH1", "A"): 5}))
    place_order(app, order("O1", ("A", 2)))
    request_id = the_request(app, "O1")["request_id"]
    with pytest.raises(InvalidInput, match="between 1 and 2"):
        ff.ship(app, request_id, "DHL", "P1", lines={"1": 3})
    with pytest.raises(InvalidInput, match="no open units of this line"):
        ff.ship(app, request_id, "DHL", "P1", lines={"9": 1})
    with pytest.raises(InvalidInput, match="tracking"):
        ff.ship(app, request_id, "DHL", " ", lines={"1": 1})
    assert the_request(app, "O1")["packages"] == [] and shipped_events(app) == []
    check_invariants(app)


def test_a_request_whose_rest_is_declined_after_a_package_left_is_shipped_not_cancelled(app):
    load_network(app, network({("WH1", "A"): 2}))
    place_order(app, order("O1", ("A", 2)))
    request_id = the_request(app, "O1")["request_id"]
    ff.acknowledge(app, request_id)
    ff.ship(app, request_id, "DHL", "P1", lines={"1": 1})
    done = ff.decline(app, request_id, note="the second one is broken")
    assert done.request_status == "SHIPPED"
    view = order_view(app, "O1")
    assert view["lines"][0]["units"] == {"SHIPPED": 1, "CANCELLED": 1}
    assert (view["status"], view["reason"]) == ("COMPLETE", "PARTIALLYSHIPPED")
    check_invariants(app)


def test_the_units_left_after_a_package_can_still_be_cancelled_while_the_request_is_new(app):
    load_network(app, network({("WH1", "A"): 3}))
    place_order(app, order("O1", ("A", 3)))
    request_id = the_request(app, "O1")["request_id"]
    ff.ship(app, request_id, "DHL", "P1", lines={"1": 1})
    assert cancel_order(app, "O1", {"1": 2}) == 2
    assert the_request(app, "O1")["status"] == "SHIPPED"
    check_invariants(app)


def test_ship_to_store_units_travel_in_packages_and_wait_at_the_store_until_all_arrived(app):
    load_network(app, network({("WH1", "A"): 5}))
    place_order(app, order("P1", ("A", 3), pickup="ST1"))
    reqs = {r["method"]: r["request_id"] for r in order_view(app, "P1")["shipment_requests"]}
    ff.ship(app, reqs["STS"], "internal", "T1", lines={"1": 2})
    ff.receive(app, reqs["ISPU"])
    with pytest.raises(Refused, match="not arrived"):
        ff.pick(app, reqs["ISPU"])
    assert ff.ship(app, reqs["STS"], "internal", "T2").request_status == "SHIPPED"
    ff.receive(app, reqs["ISPU"])
    ff.pick(app, reqs["ISPU"])
    assert ff.collect(app, reqs["ISPU"]).order_status == "COMPLETE"
    check_invariants(app)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunks=st.lists(st.integers(1, 4), min_size=1, max_size=4), extra=st.integers(0, 3))
def test_any_split_into_packages_ships_exactly_the_units_of_the_request(app, chunks, extra) -> None:
    number = f"O{uuid.uuid4().hex[:8]}"
    units = sum(chunks) + extra
    load_network(app, network({("WH1", "A"): 100_000}))  # examples share the database: never short of stock
    place_order(app, order(number, ("A", units)))
    request_id = the_request(app, number)["request_id"]
    for i, chunk in enumerate(chunks):
        done = ff.ship(app, request_id, "DHL", f"{number}-{i}", lines={"1": chunk})
        assert done.open_units == units - sum(chunks[: i + 1])
        assert (done.request_status == "SHIPPED") == (done.open_units == 0)
    req = the_request(app, number)
    assert [p["lines"][0]["quantity"] for p in req["packages"]] == chunks
    assert order_view(app, number)["lines"][0]["units"] == (
        {"SHIPPED": sum(chunks), "ALLOCATEDSHIP": extra} if extra else {"SHIPPED": units}
    )
    if extra:
        with pytest.raises(InvalidInput, match=f"between 1 and {extra}"):
            ff.ship(app, request_id, "DHL", "again", lines={"1": extra + 1})
    else:
        with pytest.raises(IllegalTransition, match="is SHIPPED"):
            ff.ship(app, request_id, "DHL", "again", lines={"1": 1})
