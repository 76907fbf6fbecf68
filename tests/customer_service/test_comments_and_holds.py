"""Comments, manual holds and the remorse period, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from oms.adapters import tables as t
from oms.errors import InvalidInput, Refused
from oms.service.app import Oms
from oms.service.catalog import load_network
from oms.service.comments import add_comment, list_comments
from oms.service.fulfillment import acknowledge
from oms.service.holds import hold_order, release_due
from oms.service.orders import cancel_order, place_order, release_hold, resource_waiting
from oms.service.views import order_view
from tests.oms.builders import network, order


def reserved(app: Oms, sku: str = "A") -> int:
    with app.db.engine.connect() as conn:
        return sum(conn.execute(select(t.stock.c.reserved).where(t.stock.c.sku == sku)).scalars())


def topics(app: Oms) -> list[str]:
    with app.db.engine.connect() as conn:
        return list(conn.execute(select(t.outbox.c.topic).order_by(t.outbox.c.id)).scalars())


@pytest.fixture
def shop(app: Oms) -> Oms:
    load_network(app, network({("WH1", "A"): 10}))
    place_order(app, order("O1", ("A", 2)))
    return app


def test_a_comment_is_kept_listed_in_the_timeline_and_announced(shop: Oms) -> None:
    added = add_comment(shop, "O1", "Customer called: leave at the neighbour's", "web", "customer", actor="ann")
    assert (added["author"], added["visibility"]) == ("ann", "customer")
    assert [c["text"] for c in list_comments(shop, "O1", "web")] == ["Customer called: leave at the neighbour's"]
    last = order_view(shop, "O1", "web")["timeline"][-1]
    assert (last["entity"], last["actor"], last["to"]) == ("comment", "ann", "customer")
    assert topics(shop)[-1] == "order.comment_added"


@pytest.mark.parametrize(
    ("text", "visibility", "field"),
    [
        ("", "internal", "text"),
        ("  \n", "internal", "text"),
        ("x" * 4001, "internal", "text"),
        ("a\x00", "internal", "text"),
        ("\udc00", "internal", "text"),
        ("ok", "public", "visibility"),
        (7, "internal", "text"),
    ],
)
def test_a_comment_out_of_bounds_is_refused_naming_the_field(
    shop: Oms, text: object, visibility: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        add_comment(shop, "O1", text, "web", visibility)
    assert [e.path for e in err.value.errors] == [field]
    assert list_comments(shop, "O1", "web") == []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=4000).filter(lambda s: s.strip() and "\x00" not in s))
def test_any_comment_of_1_to_4000_characters_is_kept_exactly(shop: Oms, text: str) -> None:
    added = add_comment(shop, "O1", text, "web")
    assert list_comments(shop, "O1", "web")[-1] == added
    assert added["text"] == text


def test_a_manual_hold_takes_back_new_requests_and_waits_until_released(shop: Oms) -> None:
    assert reserved(shop) == 2
    held = hold_order(shop, "O1", "FRAUD_REVIEW", "card looks stolen", "web", actor="ann")
    assert (held["status"], held["reason"], held["units_taken_back"]) == ("ONHOLD", "FRAUD_REVIEW", 2)
    view = order_view(shop, "O1", "web")
    assert [r["status"] for r in view["shipment_requests"]] == ["CANCELLED"]
    assert reserved(shop) == 0
    assert resource_waiting(shop, include_new=True) == 0  # waves leave held orders alone
    assert order_view(shop, "O1", "web")["status"] == "ONHOLD"
    released = release_hold(shop, "O1", "web", actor="bob")
    assert released.status == "LOGISTICS" and reserved(shop) == 2
    steps = [
        (e["to"], e["reason"], e["actor"]) for e in order_view(shop, "O1", "web")["timeline"] if e["entity"] == "order"
    ]
    assert ("ONHOLD", "FRAUD_REVIEW", "ann") in steps and steps[-1] == ("LOGISTICS", "READYTOSHIP", "bob")


def test_an_unknown_hold_reason_is_refused_and_nothing_changes(shop: Oms) -> None:
    with pytest.raises(InvalidInput) as err:
        hold_order(shop, "O1", "BECAUSE", None, "web")
    assert err.value.errors[0].path == "reason"
    assert order_view(shop, "O1", "web")["status"] == "LOGISTICS" and reserved(shop) == 2


def test_an_order_a_source_has_acknowledged_cannot_be_held(shop: Oms) -> None:
    request = order_view(shop, "O1", "web")["shipment_requests"][0]["request_id"]
    acknowledge(shop, request)
    with pytest.raises(Refused):
        hold_order(shop, "O1", "CUSTOMER_REQUEST", None, "web")


def test_a_remorse_period_holds_new_orders_until_it_is_over_and_customers_may_cancel_meanwhile(app: Oms, clock) -> None:
    load_network(app, network({("WH1", "A"): 10}, channels=[{"code": "web", "sources": "*", "remorse_minutes": 30}]))
    place_order(app, order("O1", ("A", 1)))
    place_order(app, order("O2", ("A", 1)))
    view = order_view(app, "O1", "web")
    assert (view["status"], view["reason"], reserved(app)) == ("ONHOLD", "PENDING_REMORSE_TIME", 0)
    assert cancel_order(app, "O2", None, "web", "CUSTOMERREQ") == 1
    assert release_due(app) == []
    clock.advance(minutes=31)
    assert release_due(app) == ["web/O1"]
    assert order_view(app, "O1", "web")["status"] == "LOGISTICS" and reserved(app) == 1
    assert release_due(app) == []
