"""Exchanges end to end, on SQLite and PostgreSQL: a return that refunds nothing and a linked order of new SKUs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from oms.errors import InvalidInput
from oms.service import fulfillment as ff
from oms.service import refunds as rf
from oms.service import returns as rt
from oms.service.catalog import load_network
from oms.service.exchanges import ExchangeLine, ExchangeRequest, create_exchange
from oms.service.orders import place_order
from oms.service.views import order_view
from tests.oms.post_sales_support import line_money, money_of, paid_order, returns_network, ship_all, topics

LINES = [
    {"id": "1", "sku": "A", "quantity": 3, "unit_price": "10.00", "discount": "1.00", "tax": "1.90"},
    {"id": "2", "sku": "B", "quantity": 1, "unit_price": 5},
]


def shipped(app: Any, number: str = "O1", lines: list[dict] | None = None, **settings: Any) -> None:
    load_network(app, returns_network({("WH1", "A"): 50, ("WH1", "B"): 50, ("WH1", "C"): 50}, **settings))
    place_order(app, paid_order(number, lines or LINES))
    ship_all(app, number)


def exchange(app: Any, number: str = "O1", **lines: tuple[int, str]) -> dict[str, Any]:
    request = ExchangeRequest({line_id: ExchangeLine(qty, sku) for line_id, (qty, sku) in lines.items()})
    return create_exchange(app, number, "web", request, "cs")


def the_return(app: Any, number: str = "O1") -> dict[str, Any]:
    [ret] = rt.list_returns(app, number)
    return ret


def test_an_immediate_exchange_takes_units_back_without_refund_and_sources_new_skus_at_their_value(app):
    shipped(app)
    made = exchange(app, **{"1": (1, "C")})
    assert (made["order_id"], made["mode"], made["return_status"]) == ("O1-E1", "immediate", "approved")
    assert made["lines"] == [{"line_id": "1", "old_sku": "A", "sku": "C", "quantity": 1, "value": "10.30"}]
    view = order_view(app, "O1-E1")
    assert (view["type"], view["original_order_id"], view["status"]) == ("exchange", "O1", "LOGISTICS")
    line = view["lines"][0]
    money = [line[k] for k in ("sku", "unit_price", "discount", "tax", "paid")]
    assert money == ["C", "10.00", "0.33", "0.63", "10.30"]
    assert view["money"]["paid"] == "0.00"  # its money stays on the original order
    ret = the_return(app)
    assert ret["refund"] is False and ret["lines"][0]["quantity"] == 1
    rt.receive_return(app, ret["id"], {}, "wh")
    assert rf.list_refunds(app, "O1") == [] and money_of(app, "O1")["refunded"] == "0.00"
    assert order_view(app, "O1")["linked_orders"] == [{"order_id": "O1-E1", "type": "exchange", "status": "LOGISTICS"}]
    assert "exchange.created" in topics(app)
    assert exchange(app, **{"2": (1, "A")})["order_id"] == "O1-E2"


def test_an_exchange_waiting_for_its_return_is_released_when_the_units_come_back_good(app):
    shipped(app, exchange_mode="after_return")
    made = exchange(app, **{"1": (2, "C")})
    assert (made["status"], made["reason"], made["mode"]) == ("ONHOLD", "WAITING_RETURN", "after_return")
    assert order_view(app, "O1-E1")["shipment_requests"] == []
    rt.receive_return(app, the_return(app)["id"], {}, "wh")
    view = order_view(app, "O1-E1")
    assert view["status"] == "LOGISTICS" and len(view["shipment_requests"]) == 1
    assert "exchange.released" in topics(app)


def test_an_exchange_waiting_for_its_return_is_cancelled_for_the_units_that_come_back_damaged(app):
    shipped(app, exchange_mode="after_return")
    exchange(app, **{"1": (2, "C")})
    rt.receive_return(app, the_return(app)["id"], {"1": 2}, "wh")
    view = order_view(app, "O1-E1")
    assert (view["status"], view["reason"]) == ("CANCELLED", "RETURNREJECTED")
    assert rf.list_refunds(app, "O1") == [] and rf.list_refunds(app, "O1-E1") == []
    assert "exchange.cancelled" in topics(app)


def test_a_partly_damaged_return_sends_only_the_replacements_of_the_good_units(app):
    shipped(app, exchange_mode="after_return")
    exchange(app, **{"1": (2, "C")})
    rt.receive_return(app, the_return(app)["id"], {"1": 1}, "wh")
    view = order_view(app, "O1-E1")
    assert view["lines"][0]["units"] == {"CANCELLED": 1, "ALLOCATEDSHIP": 1} and view["status"] == "LOGISTICS"


def test_a_cancelled_return_cancels_the_exchange_waiting_for_it(app):
    shipped(app, exchange_mode="after_return", auto_approve_returns=False)
    exchange(app, **{"1": (1, "C")})
    rt.cancel_return(app, the_return(app)["id"], "cs")
    view = order_view(app, "O1-E1")
    assert (view["status"], view["reason"]) == ("CANCELLED", "RETURNCANCELLED")


def test_an_exchange_of_an_exchange_and_its_return_refund_the_original_order(app):
    shipped(app, lines=[{"id": "1", "sku": "A", "quantity": 1, "unit_price": "29.00", "tax": "1.90"}])
    exchange(app, **{"1": (1, "B")})
    ship_all(app, "O1-E1")
    assert exchange(app, "O1-E1", **{"1": (1, "C")})["order_id"] == "O1-E1-E1"
    ship_all(app, "O1-E1-E1")
    ret = rt.authorize_return(app, "O1-E1-E1", "web", rt.ReturnRequest({"1": 1}, "CHANGED_MIND"), "cs")
    rt.receive_return(app, ret["id"], {}, "wh")
    [refund] = rf.list_refunds(app, "O1")
    assert (refund["amount"], refund["return_id"], refund["status"]) == ("30.90", ret["id"], "released")
    money = line_money(app, "O1", "1")
    assert money["refunded"] == money["paid"] == Decimal("30.90") and money["refundable"] == 0
    assert rf.list_refunds(app, "O1-E1-E1") == [] and money_of(app, "O1-E1-E1")["paid"] == "0.00"


def _nothing_written(app: Any) -> None:
    assert [r for r in rt.list_returns(app, "O1") if not r["refund"]] == []
    assert [o for o in order_view(app, "O1")["linked_orders"] if o["type"] == "exchange"] == []


@pytest.mark.parametrize(
    ("lines", "field", "message"),
    [
        ({"9": (1, "C")}, "lines.9", "no line '9'"),
        ({"1": (1, "NOPE")}, "lines.1.sku", "unknown SKU"),
        ({"1": (4, "C")}, "lines.1.quantity", "at most 3 unit"),
        ({"1": (0, "C")}, "lines.1", "integer from 1"),
        ({"1": (1, "")}, "lines.1.sku", "must not be empty"),
    ],
)
def test_bad_exchange_requests_are_refused_by_field_and_write_nothing(app, lines, field, message):
    shipped(app)
    with pytest.raises(InvalidInput, match=message) as err:
        exchange(app, **lines)
    assert field in [e.path for e in err.value.errors]
    _nothing_written(app)


def test_a_line_not_shipped_or_exchanged_already_cannot_be_exchanged(app):
    load_network(app, returns_network({("WH1", "A"): 5, ("WH1", "C"): 5}))
    place_order(app, paid_order("O1", [{"id": "1", "sku": "A", "quantity": 2, "unit_price": 10}]))
    with pytest.raises(InvalidInput, match="no unit of it has shipped"):
        exchange(app, **{"1": (1, "C")})
    _nothing_written(app)
    ship_all(app, "O1")
    exchange(app, **{"1": (1, "C")})
    with pytest.raises(InvalidInput, match="exchanged already") as err:
        exchange(app, **{"1": (1, "C")})
    assert err.value.errors[0].path == "lines.1"
    assert len(rt.list_returns(app, "O1")) == 1


def test_a_new_price_is_reported_as_a_difference_and_never_charged(app):
    shipped(app)
    request = ExchangeRequest({"1": ExchangeLine(1, "C", Decimal("12.50"))})
    made = create_exchange(app, "O1", "web", request, "cs")
    assert made["price_difference"] == "2.20"  # 12.50 less the 10.30 the unit was worth
    assert money_of(app, "O1")["refunded"] == "0.00" and money_of(app, "O1-E1")["paid"] == "0.00"
    with pytest.raises(InvalidInput, match="too many decimals"):
        create_exchange(app, "O1", "web", ExchangeRequest({"2": ExchangeLine(1, "C", "1.005")}), "cs")


def test_channels_cannot_post_exchange_or_reshipment_orders(app):
    shipped(app)
    for kind in ("exchange", "reshipment"):
        doc = paid_order(f"X-{kind}", [LINES[1]], type=kind, original_order_id="O1")
        with pytest.raises(InvalidInput, match="created by the OMS") as err:
            place_order(app, doc)
        assert [e.path for e in err.value.errors] == ["type"]


def test_units_sourcing_cancels_are_refunded_in_the_same_transaction(app):
    load_network(app, returns_network({("WH1", "A"): 1}))
    placed = place_order(app, paid_order("O5", [{"id": "1", "sku": "A", "quantity": 3, "unit_price": "10.00"}]))
    assert placed.cancelled == {"OUTOFSTOCK": 2}
    [refund] = rf.list_refunds(app, "O5")
    assert (refund["reason"], refund["amount"], refund["lines"][0]["quantity"]) == ("CANCELLATION", "20.00", 2)
    [req] = order_view(app, "O5")["shipment_requests"]
    ff.decline(app, req["request_id"], note="broken")  # no other source: the last unit is cancelled too
    money = money_of(app, "O5")
    assert money["refunded"] == money["paid"] == "30.00" and len(rf.list_refunds(app, "O5")) == 2


def test_cancelling_a_bundle_line_refunds_the_whole_bundle_and_never_what_an_appeasement_took(app):
    from oms.service.orders import cancel_order

    load_network(app, returns_network({("WH1", "A"): 5, ("WH1", "B"): 5}))
    lines = [
        {"id": "1", "sku": "A", "quantity": 1, "unit_price": "30.00", "bundle": "K"},
        {"id": "2", "sku": "B", "quantity": 2, "unit_price": "5.00", "bundle": "K"},
    ]
    place_order(app, paid_order("O6", lines))
    rf.appease(app, "O6", "web", rf.Appeasement("GOODWILL", lines={"1": "25.00"}), "cs")
    cancel_order(app, "O6", {"1": 1}, "web", actor="customer service")
    refund = next(r for r in rf.list_refunds(app, "O6") if r["kind"] == "refund")
    assert (refund["reason"], refund["created_by"]) == ("CANCELLATION", "customer service")
    assert {ln["line_id"]: ln["amount"] for ln in refund["lines"]} == {"1": "5.00", "2": "10.00"}
    money = money_of(app, "O6")
    assert money["refunded"] == money["paid"] == "40.00" and money["refundable"] == "0.00"
    assert order_view(app, "O6")["lines"][1]["units"] == {"CANCELLED": 2}


def test_the_original_order_timeline_tells_the_exchange_and_its_release(app):
    shipped(app, exchange_mode="after_return")
    exchange(app, **{"1": (1, "C")})
    rt.receive_return(app, the_return(app)["id"], {}, "wh")
    steps = [(e["entity"], e["to"], e["actor"], e["note"]) for e in order_view(app, "O1")["timeline"]]
    assert ("exchange", "created", "cs", "order O1-E1") in steps
    assert ("exchange", "released", "wh", "order O1-E1") in steps


def test_eight_threads_exchanging_one_line_at_once_make_exactly_one_exchange(app):
    import threading

    shipped(app)
    outcomes: list[str] = []

    def ask() -> None:
        try:
            exchange(app, **{"1": (1, "C")})
            outcomes.append("made")
        except InvalidInput as err:
            assert "exchanged already" in str(err)
            outcomes.append("refused")

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["made"] + ["refused"] * 7
    assert [o["order_id"] for o in order_view(app, "O1")["linked_orders"]] == ["O1-E1"]
    assert len(rt.list_returns(app, "O1")) == 1


def test_an_exchange_sourcing_cannot_serve_turns_its_return_into_an_ordinary_refunding_one(app):
    load_network(app, returns_network({("WH1", "A"): 5}))  # no B anywhere, and B is not backordered
    place_order(app, paid_order("O1", [LINES[0]]))
    ship_all(app, "O1")
    made = exchange(app, **{"1": (1, "B")})
    assert (made["status"], made["reason"]) == ("CANCELLED", "OUTOFSTOCK")
    ret = the_return(app)
    assert ret["refund"] is True and rf.list_refunds(app, "O1") == []  # nothing back before the units are
    rt.receive_return(app, ret["id"], {}, "wh")
    assert line_money(app, "O1", "1")["refunded"] == Decimal("10.30")
    assert exchange(app, **{"1": (1, "A")})["order_id"] == "O1-E2"  # the failed exchange left the line free


def test_units_of_a_released_exchange_that_no_source_can_ship_are_refunded_on_the_original(app):
    shipped(app, exchange_mode="after_return")
    exchange(app, **{"1": (2, "B")})
    rt.receive_return(app, the_return(app)["id"], {}, "wh")
    [req] = order_view(app, "O1-E1")["shipment_requests"]
    ff.decline(app, req["request_id"], note="torn")  # WH1 alone had B, not backordered: nothing to ship
    assert order_view(app, "O1-E1")["lines"][0]["units"] == {"CANCELLED": 2}
    [refund] = rf.list_refunds(app, "O1")
    assert (refund["reason"], refund["amount"], refund["note"]) == ("CANCELLATION", "20.60", "exchange O1-E1 cancelled")
    assert rf.list_refunds(app, "O1-E1") == []


def shipped_with_one_replacement(app: Any) -> None:
    load_network(app, returns_network({("WH1", "A"): 50, ("WH1", "B"): 1}))  # B is not backordered
    place_order(app, paid_order("O1", [LINES[0]]))
    ship_all(app, "O1")


def test_replacements_sourcing_cancels_while_the_return_is_open_are_refunded_when_the_units_come_back(app):
    shipped_with_one_replacement(app)
    exchange(app, **{"1": (2, "B")})  # one B in stock: one replacement is cancelled at once
    assert order_view(app, "O1-E1")["lines"][0]["units"].get("CANCELLED") == 1
    assert rf.list_refunds(app, "O1") == []  # the units it replaces are still with the customer
    rt.receive_return(app, the_return(app)["id"], {}, "wh")
    [refund] = rf.list_refunds(app, "O1")
    assert (refund["reason"], refund["amount"], refund["note"]) == ("CANCELLATION", "10.30", "exchange O1-E1 cancelled")
    assert line_money(app, "O1", "1")["refunded"] == Decimal("10.30")


def test_replacements_are_never_refunded_for_more_units_than_came_back_good(app):
    shipped_with_one_replacement(app)
    exchange(app, **{"1": (2, "B")})
    rt.receive_return(app, the_return(app)["id"], {"1": 1}, "wh")  # one good, one damaged
    assert line_money(app, "O1", "1")["refunded"] == Decimal("10.30")
    [req] = [r for r in order_view(app, "O1-E1")["shipment_requests"] if r["status"] != "CANCELLED"]
    ff.decline(app, req["request_id"], note="torn")  # the last replacement goes too: one good unit, one refund
    assert order_view(app, "O1-E1")["lines"][0]["units"] == {"CANCELLED": 2}
    assert line_money(app, "O1", "1")["refunded"] == Decimal("10.30")
    assert len(rf.list_refunds(app, "O1")) == 1
