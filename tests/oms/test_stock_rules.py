"""Stock is never negative; a source reporting less than is reserved flags exceptions; a reference applies once."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError

from oms.adapters import tables as t
from oms.errors import Conflict, Refused
from oms.service import fulfillment as ff
from oms.service.catalog import load_network
from oms.service.inventory import update_stock
from oms.service.orders import cancel_order, place_order
from oms.service.stock_exceptions import stock_shortfall_exceptions
from oms.service.views import order_view
from tests.oms.builders import network, order
from tests.oms.extremes import fingerprint
from tests.oms.invariants import check_invariants
from tests.oms.test_inventory import on_hand, outbox


def adjust(app, quantity: int, sku: str = "A", source: str = "WH1", **message):  # type: ignore[no-untyped-def]
    return update_stock(
        app, {"mode": "ADJUST", "source": source, "items": [{"sku": sku, "quantity": quantity}], **message}
    )


def request_of(app, number: str) -> int:  # type: ignore[no-untyped-def]
    return order_view(app, number)["shipment_requests"][0]["request_id"]


def test_an_adjustment_below_zero_stops_at_zero_with_a_warning(app):
    load_network(app, network({("WH1", "A"): 2}))
    result = adjust(app, -50)
    assert on_hand(app)[("WH1", "A")] == 0
    assert result.warnings == ["WH1: A adjusted by -50 with 2 on hand: clamped at 0"]
    check_invariants(app)


def test_a_report_under_the_reservations_flags_the_newest_allocations_and_a_restock_lifts_the_flags(app):
    load_network(app, network({("WH1", "A"): 5}))
    place_order(app, order("OLD", ("A", 2)))
    place_order(app, order("NEW", ("A", 2)))
    result = update_stock(app, {"mode": "DELTA", "source": "WH1", "items": [{"sku": "A", "quantity": 1}]})
    assert on_hand(app)[("WH1", "A")] == 1
    assert result.warnings == [
        "WH1: A has 1 on hand for 4 reserved; 3 reserved unit(s) flagged as stock shortfall exceptions"
    ]
    flagged = {(e["order_id"], e["quantity"]) for e in stock_shortfall_exceptions(app)}
    assert flagged == {("NEW", 2), ("OLD", 1)}  # the newest allocation first, then the rest of the shortfall
    assert order_view(app, "OLD")["lines"][0]["stock_shortfall"] == 1
    events = outbox(app, "line.stock_shortfall")
    assert sorted((e["order_id"], e["quantity"], e["source"]) for e in events) == [("NEW", 2, "WH1"), ("OLD", 1, "WH1")]
    check_invariants(app)
    adjust(app, 2)  # three on hand for four reserved: one unit still short, the oldest flag is lifted first
    assert {(e["order_id"], e["quantity"]) for e in stock_shortfall_exceptions(app)} == {("NEW", 1)}
    cleared = [(e["order_id"], e["quantity"]) for e in outbox(app, "line.stock_shortfall_cleared")]
    assert cleared == [("OLD", 1), ("NEW", 1)]
    check_invariants(app)


def test_cancelling_or_shipping_shortfall_units_keeps_the_flags_equal_to_the_shortfall(app):
    load_network(app, network({("WH1", "A"): 4}))
    place_order(app, order("O1", ("A", 2)))
    place_order(app, order("O2", ("A", 2)))
    adjust(app, -3)  # one on hand for four reserved
    cancel_order(app, "O2")  # its two flagged units go; O1 is now short by one
    assert [(e["order_id"], e["quantity"]) for e in stock_shortfall_exceptions(app)] == [("O1", 1)]
    check_invariants(app)
    ff.ship(app, request_of(app, "O1"), "DHL", "T1")  # the source found both units after all
    assert on_hand(app)[("WH1", "A")] == 0 and stock_shortfall_exceptions(app) == []
    check_invariants(app)


def test_a_shipment_from_a_shelf_the_feed_counted_empty_leaves_on_hand_at_zero(app):
    load_network(app, network({("WH1", "A"): 2}))
    place_order(app, order("O1", ("A", 2)))
    update_stock(app, {"mode": "DELTA", "source": "WH1", "items": [{"sku": "A", "quantity": 0}]})
    ff.ship(app, request_of(app, "O1"), "DHL", "T1")
    assert on_hand(app)[("WH1", "A")] == 0
    check_invariants(app)


def test_the_same_reference_again_answers_the_first_result_and_changes_nothing(app):
    load_network(app, network({("WH1", "A"): 10}))
    first = adjust(app, -4, reference="ADJ-1")
    before = fingerprint(app)
    again = adjust(app, -4, reference="ADJ-1")
    assert (again.changed, again.unchanged, again.replayed) == (first.changed, first.unchanged, True)
    assert on_hand(app)[("WH1", "A")] == 6 and fingerprint(app) == before
    with pytest.raises(Conflict, match="ADJ-1"):
        adjust(app, -5, reference="ADJ-1")
    assert fingerprint(app) == before
    adjust(app, -4, reference="ADJ-2")
    assert on_hand(app)[("WH1", "A")] == 2


def test_the_database_refuses_negative_stock_whatever_writes_it(app):
    load_network(app, network({("WH1", "A"): 1}))
    with app.uow() as uow, pytest.raises(IntegrityError):
        uow.session.execute(text("UPDATE stock SET on_hand = -1 WHERE source = 'WH1'"))
        uow.session.commit()
    with app.uow() as uow, pytest.raises(IntegrityError):
        uow.session.execute(text("UPDATE stock SET reserved = -1 WHERE source = 'WH1'"))
        uow.session.commit()
    assert on_hand(app)[("WH1", "A")] == 1


def test_a_network_file_with_stock_for_a_stored_source_sets_it_and_flags_what_it_no_longer_covers(app):
    load_network(app, network({("WH1", "A"): 1}))
    loaded = load_network(app, {"stock": [{"source": "WH2", "sku": "A", "on_hand": 7}]})
    assert loaded.stock.changed == 1 and on_hand(app)[("WH2", "A")] == 7
    place_order(app, order("O1", ("A", 3)))
    loaded = load_network(app, {"stock": [{"source": "WH2", "sku": "A", "on_hand": 1}]})
    assert loaded.stock.warnings == [
        "WH2: A has 1 on hand for 3 reserved; 2 reserved unit(s) flagged as stock shortfall exceptions"
    ]
    check_invariants(app)
    with app.uow(readonly=True) as uow:
        assert (
            uow.session.scalar(select(t.stock_history.c.cause).order_by(t.stock_history.c.id.desc())) == "stock_delta"
        )


door = st.one_of(
    st.tuples(st.just("adjust"), st.integers(-20, 20)),
    st.tuples(st.just("delta"), st.integers(0, 10)),
    st.tuples(st.just("network"), st.integers(0, 10)),
    st.tuples(st.just("place"), st.integers(1, 4)),
    st.tuples(st.just("ship"), st.integers(0, 5)),
    st.tuples(st.just("cancel"), st.integers(0, 5)),
    st.tuples(st.just("decline"), st.integers(0, 5)),
)


def _fresh(app) -> None:  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        for table in reversed(t.metadata.sorted_tables):
            if table is not t.catalog_state:
                uow.session.execute(delete(table))
        uow.session.commit()
    app.db.cache.clear()
    load_network(app, network({("WH1", "A"): 5}, channels=[{"code": "web", "sources": ["WH1"]}]))


def _open_requests(app) -> list[int]:  # type: ignore[no-untyped-def]
    r = t.shipment_requests.c
    with app.uow(readonly=True) as uow:
        return list(uow.session.scalars(select(r.id).where(r.status == "NEW").order_by(r.id)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(door, min_size=1, max_size=10))
def test_stock_never_goes_negative_and_shortfalls_stay_flagged_whatever_door_changes_it(app, steps) -> None:
    _fresh(app)
    placed = 0
    for kind, n in steps:
        requests = _open_requests(app)
        if kind in ("adjust", "delta"):
            mode = kind.upper()
            update_stock(app, {"mode": mode, "source": "WH1", "items": [{"sku": "A", "quantity": n}]})
        elif kind == "network":
            load_network(app, {"stock": [{"source": "WH1", "sku": "A", "on_hand": n}]})
        elif kind == "place":
            placed += 1
            place_order(app, order(f"O{placed}", ("A", n)))
        elif kind == "ship" and requests:
            ff.ship(app, requests[n % len(requests)], "DHL", "T")
        elif kind == "cancel" and placed:
            with contextlib.suppress(Refused):
                cancel_order(app, f"O{n % placed + 1}")
        elif kind == "decline" and requests:
            ff.decline(app, requests[n % len(requests)])
        check_invariants(app)
