"""Returns, refunds and appeasements end to end, on SQLite and PostgreSQL: money that always adds up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from oms.errors import IllegalTransition, InvalidInput, NotFound, Refused
from oms.service import refunds as rf
from oms.service import returns as rt
from oms.service.orders import place_order
from oms.service.views import order_view
from tests.oms.post_sales_support import line_money, money_of, paid_order, setup_shipped, topics

LINES = [
    {"id": "1", "sku": "A", "quantity": 3, "unit_price": "10.00", "discount": "1.00", "tax": "1.90"},
    {"id": "2", "sku": "B", "quantity": 1, "unit_price": 5},
]
SHIPPING = [{"id": "S1", "type": "shipping", "amount": "4.95", "tax": "0.79"}]


def test_intake_keeps_exact_amounts_in_the_order_currency_and_the_view_sums_what_was_paid(app):
    setup_shipped(app, "O1", LINES)
    view = order_view(app, "O1")
    assert view["currency"] == "EUR"
    line = view["lines"][0]
    assert [line[k] for k in ("unit_price", "discount", "tax", "paid")] == ["10.00", "1.00", "1.90", "30.90"]
    assert view["money"]["paid"] == "35.90" and view["money"]["refundable"] == "35.90"


def test_a_partial_then_a_full_return_refund_exactly_what_was_paid_with_the_service_line(app):
    setup_shipped(app, "O1", [LINES[0]], refund_service_lines=True)
    first = rt.authorize_return(app, "O1", "web", rt.ReturnRequest({"1": 1}, "CHANGED_MIND"), "cs")
    assert first["status"] == "approved" and first["source"] == "WH1"
    rt.receive_return(app, first["id"], {}, "wh")
    assert line_money(app, "O1", "1")["refunded"] == Decimal("10.30")
    second = rt.authorize_return(app, "O1", "web", rt.ReturnRequest({"1": 2}, "CHANGED_MIND"), "cs")
    rt.receive_return(app, second["id"], {}, "wh")
    money = line_money(app, "O1", "1")
    assert money["refunded"] == money["paid"] == Decimal("30.90") and money["refundable"] == 0
    assert "return.received" in topics(app) and "refund.released" in topics(app)


def test_service_lines_are_refunded_when_a_return_completes_the_order_and_the_rule_says_so(app):
    from oms.service.catalog import load_network
    from tests.oms.post_sales_support import returns_network, ship_all

    load_network(app, returns_network({("WH1", "A"): 9}, refund_service_lines=True))
    place_order(app, paid_order("O2", [LINES[0]], service_lines=SHIPPING))
    ship_all(app, "O2")
    ret = rt.authorize_return(app, "O2", "web", rt.ReturnRequest({"1": 3}, "DAMAGED"), "cs")
    rt.receive_return(app, ret["id"], {"1": 1}, "wh")
    money = money_of(app, "O2")
    assert money["refunded"] == money["paid"] == "36.64" and money["refundable"] == "0.00"


def test_an_appeasement_first_leaves_the_return_only_what_is_left(app):
    setup_shipped(app, "O1", [LINES[0]])
    rf.appease(app, "O1", "web", rf.Appeasement("LATE_DELIVERY", lines={"1": "25.00"}), "cs")
    ret = rt.authorize_return(app, "O1", "web", rt.ReturnRequest({"1": 3}, "OTHER"), "cs")
    rt.receive_return(app, ret["id"], {}, "wh")
    money = line_money(app, "O1", "1")
    assert money["refunded"] == Decimal("30.90") and money["refundable"] == 0
    with pytest.raises(Refused, match=r"0\.00 EUR still refundable"):
        rf.appease(app, "O1", "web", rf.Appeasement("GOODWILL", amount="0.01"), "cs")


def test_without_auto_release_refunds_wait_and_can_be_released_or_cancelled(app):
    setup_shipped(app, "O1", [LINES[0]], auto_release_refunds=False, auto_approve_returns=False)
    ret = rt.authorize_return(app, "O1", "web", rt.ReturnRequest({"1": 1}, "OTHER", "scratched"), "cs")
    assert ret["status"] == "requested"
    with pytest.raises(IllegalTransition):
        rt.receive_return(app, ret["id"], {}, "wh")
    rt.approve_return(app, ret["id"], "cs")
    rt.receive_return(app, ret["id"], {}, "wh")
    [refund] = rf.list_refunds(app, "O1", "web")
    assert refund["status"] == "pending_release" and line_money(app, "O1", "1")["pending"] == Decimal("10.30")
    assert rf.release_refund(app, refund["id"], "finance")["status"] == "released"
    with pytest.raises(Refused):
        rf.cancel_refund(app, refund["id"], "finance")
    gift = rf.appease(app, "O1", "web", rf.Appeasement("GOODWILL", amount="5"), "cs")
    assert rf.cancel_refund(app, gift["id"], "cs")["status"] == "cancelled"
    assert line_money(app, "O1", "1")["refundable"] == Decimal("20.60")


def test_all_damaged_units_are_rejected_and_refund_nothing_when_the_channel_refunds_only_good_ones(app):
    setup_shipped(app, "O1", [LINES[0]], refund_damaged=False)
    ret = rt.authorize_return(app, "O1", "web", rt.ReturnRequest({"1": 2}, "DAMAGED"), "cs")
    assert rt.receive_return(app, ret["id"], {"1": 2}, "wh")["status"] == "rejected"
    assert rf.list_refunds(app, "O1") == []
    with pytest.raises(InvalidInput, match=r"already returned|at most 1"):
        rt.authorize_return(app, "O1", "web", rt.ReturnRequest({"1": 2}, "DAMAGED"), "cs")


def test_restocking_returns_puts_good_units_back_on_hand_at_the_return_source(app):
    from oms.service.views import stock_view

    setup_shipped(app, "O1", [LINES[0]], stock=3, restock_returns=True)
    ret = rt.authorize_return(app, "O1", "web", rt.ReturnRequest({"1": 3}, "OTHER"), "cs")
    rt.receive_return(app, ret["id"], {"1": 1}, "wh")
    rows = stock_view(app, "A")
    assert "2" in str(rows)  # two good units back at WH1


def test_bad_return_requests_are_refused_by_field_and_write_nothing(app):
    setup_shipped(app, "O1", [LINES[0]])
    cases = [
        (rt.ReturnRequest({"1": 4}, "OTHER"), "at most 3"),
        (rt.ReturnRequest({"1": 1}, "NOPE"), "reason"),
        (rt.ReturnRequest({"1": 1}, "OTHER", "x" * 1001), "description"),
        (rt.ReturnRequest({"1": 1}, "OTHER", None, "ST1"), "does not accept returns"),
        (rt.ReturnRequest({"1": 0}, "OTHER"), "lines.1"),
        (rt.ReturnRequest({}, "OTHER"), "lines"),
    ]
    for request, message in cases:
        with pytest.raises(InvalidInput, match=message):
            rt.authorize_return(app, "O1", "web", request, "cs")
    with pytest.raises(NotFound):
        rt.authorize_return(app, "O1", "web", rt.ReturnRequest({"9": 1}, "OTHER"), "cs")
    with pytest.raises(NotFound):
        rt.authorize_return(app, "NOPE", "web", rt.ReturnRequest({"1": 1}, "OTHER"), "cs")
    assert rt.list_returns(app, "O1") == []


def test_lines_not_shipped_are_not_returnable(app):
    from oms.service.catalog import load_network
    from tests.oms.post_sales_support import returns_network

    load_network(app, returns_network({("WH1", "A"): 5}))
    place_order(app, paid_order("O1", [LINES[0]]))
    with pytest.raises(InvalidInput, match="no unit of it has shipped"):
        rt.authorize_return(app, "O1", "web", rt.ReturnRequest({"1": 1}, "OTHER"), "cs")


@pytest.mark.parametrize(
    ("amount", "message"),
    [("0.001", "too many decimals"), ("-1", "negative"), ("NaN", "finite"), (1e308, "at most"), ("0", "more than 0")],
)
def test_appeasement_amounts_out_of_bounds_are_refused_naming_the_field(app, amount, message):
    setup_shipped(app, "O1", [LINES[0]])
    with pytest.raises(InvalidInput, match=message):
        rf.appease(app, "O1", "web", rf.Appeasement("GOODWILL", amount=amount), "cs")
    assert rf.list_refunds(app, "O1") == []


def test_a_reshipment_sends_shipped_units_again_free_in_a_linked_order_and_never_more_than_shipped(app):
    from oms.service.reshipments import reship

    setup_shipped(app, "O1", LINES)
    made = reship(app, "O1", "web", {"1": 2}, "LOST", "cs")
    assert (made["order_id"], made["original_order_id"], made["lines"][0]["quantity"]) == ("O1-R1", "O1", 2)
    again = order_view(app, "O1-R1")
    assert again["type"] == "reshipment" and again["money"]["paid"] == "0.00"
    assert again["status"] in ("LOGISTICS", "APPROVED") and again["lines"][0]["unit_price"] == "0.00"
    assert order_view(app, "O1")["linked_orders"] == [
        {"order_id": "O1-R1", "type": "reshipment", "status": again["status"]}
    ]
    with pytest.raises(InvalidInput, match="at most 1 unit"):
        reship(app, "O1", "web", {"1": 2}, "LOST", "cs")
    assert reship(app, "O1", "web", {"1": 1, "2": 1}, "DAMAGED_IN_TRANSIT", "cs")["order_id"] == "O1-R2"
    with pytest.raises(InvalidInput, match="reason"):
        reship(app, "O1", "web", {"2": 1}, "BORED", "cs")
    assert topics(app).count("reshipment.created") == 2


def test_cancelled_units_of_a_paid_order_are_refunded_and_a_fully_cancelled_order_refunds_its_service_lines(app):
    from oms.service.catalog import load_network
    from oms.service.orders import cancel_order
    from tests.oms.post_sales_support import returns_network

    load_network(app, returns_network({("WH1", "A"): 9}))
    place_order(app, paid_order("O3", [LINES[0]], service_lines=SHIPPING))
    assert cancel_order(app, "O3", {"1": 1}, "web") == 1
    [refund] = rf.list_refunds(app, "O3")
    assert (refund["reason"], refund["amount"], refund["lines"][0]["quantity"]) == ("CANCELLATION", "10.30", 1)
    cancel_order(app, "O3", None, "web")
    money = money_of(app, "O3")
    assert money["refunded"] == money["paid"] == "36.64" and money["refundable"] == "0.00"


def test_the_timeline_tells_each_return_and_refund_step_with_who_and_how_much(app):
    setup_shipped(app, "O1", [LINES[0]])
    authorized = rt.authorize_return(app, "O1", "web", rt.ReturnRequest({"1": 1}, "CHANGED_MIND"), "cs")
    rt.receive_return(app, authorized["id"], {}, "wh")
    steps = [(e["entity"], e["to"], e["actor"], e["note"]) for e in order_view(app, "O1")["timeline"]]
    post_sales = [s for s in steps if s[0] in ("return", "refund")]
    assert post_sales == [  # each step once: a return read twice in a transaction still writes one event
        ("return", "authorized", "cs", None),
        ("return", "approved", "cs", None),
        ("return", "received", "wh", None),
        ("refund", "requested", "wh", "10.30 EUR"),
        ("refund", "released", "wh", "10.30 EUR"),
    ]
