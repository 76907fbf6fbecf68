"""Acting on an order from its page: each form calls the OMS's handler, is recorded under the user's name,
and a refusal comes back as the OMS's own message on the page."""

from __future__ import annotations

from typing import Any

from oms.service.catalog import load_network
from oms.service.orders import place_order
from oms.service.views import order_view
from tests.admin.support import token
from tests.oms.builders import network, order
from tests.oms.post_sales_support import paid_order, returns_network, setup_shipped, ship_all

PAGE = "/admin/orders/web/{}"
LINES = [
    {"id": "1", "sku": "A", "quantity": 3, "unit_price": "10.00"},
    {"id": "2", "sku": "B", "quantity": 1, "unit_price": "5.00"},
]


def act(client: Any, number: str, name: str, **form: Any) -> str:
    """Post an action's form from the order page, follow back to the page, return its HTML."""
    page = PAGE.format(number)
    response = client.post(f"{page}/actions/{name}", data={**form, "csrf_token": token(client.get(page).text)})
    assert response.status_code == 302, response.text
    assert response.headers["Location"] == page
    return client.get(page).text


def open_order(oms: Any) -> None:
    load_network(oms, network({("WH1", "A"): 50, ("WH1", "B"): 50}))
    place_order(oms, order("O1", ("A", 3), ("B", 1)))


def actors(oms: Any, number: str) -> set[str]:
    return {e["actor"] for e in order_view(oms, number, "web")["timeline"]}


def test_a_comment_is_added_under_the_users_name_and_shown_on_the_page(admin_app, as_user) -> None:
    oms = admin_app[1]
    open_order(oms)
    html = act(as_user("support"), "O1", "comment", text="Customer called <b>twice</b>", visibility="internal")
    assert "Comment added." in html
    assert "Customer called &lt;b&gt;twice&lt;/b&gt;" in html  # autoescaped
    assert "admin:support" in actors(oms, "O1")


def test_cancelling_units_of_a_line_changes_the_line_and_the_timeline(admin_app, as_user) -> None:
    oms = admin_app[1]
    open_order(oms)
    html = act(as_user("support"), "O1", "cancel_lines", **{"cancel-1": "2", "cancel-2": "", "reason": "CUSTOMERREQ"})
    assert "Cancelled 2 units." in html
    line = order_view(oms, "O1", "web")["lines"][0]
    assert line["units"]["CANCELLED"] == 2
    cancelled = [e for e in order_view(oms, "O1", "web")["timeline"] if e["to"] == "CANCELLED"]
    assert cancelled and all(e["actor"] == "admin:support" for e in cancelled)


def test_bad_quantities_and_reasons_are_explained_by_field_and_change_nothing(admin_app, as_user) -> None:
    oms = admin_app[1]
    open_order(oms)
    client = as_user("support")
    assert "quantity must be a whole number" in act(client, "O1", "cancel_lines", **{"cancel-1": "-1"})
    assert "quantity must be a whole number" in act(client, "O1", "cancel_lines", **{"cancel-1": "²"})
    assert "quantity must be a whole number" in act(client, "O1", "cancel_lines", **{"cancel-1": "9" * 5000})
    assert "give the units to cancel" in act(client, "O1", "cancel_lines", reason="CUSTOMERREQ")
    assert "reason: " in act(client, "O1", "cancel", reason="BECAUSE")
    assert "reason: " in act(client, "O1", "hold", reason="")
    assert "no action &#39;explode&#39;" in act(client, "O1", "explode")
    assert order_view(oms, "O1", "web")["lines"][0]["units"] == {"ALLOCATEDSHIP": 3}


def test_hold_then_release_and_a_refusal_shows_the_oms_message(admin_app, as_user) -> None:
    oms = admin_app[1]
    open_order(oms)
    client = as_user("support")
    html = act(client, "O1", "hold", reason="FRAUD_REVIEW", note="checking the card")
    assert "Order on hold (FRAUD_REVIEW)" in html and "Release the order" in html
    html = act(client, "O1", "release")
    assert "Order released" in html
    refused = act(client, "O1", "release")
    assert "only ONHOLD orders are released" in refused
    assert "Traceback" not in refused


def test_cancelling_the_whole_order_and_then_again_is_refused_by_the_oms(admin_app, as_user) -> None:
    oms = admin_app[1]
    open_order(oms)
    client = as_user("support")
    assert "Order cancelled: 4 units." in act(client, "O1", "cancel", reason="CUSTOMERREQ")
    assert [line["units"] for line in order_view(oms, "O1", "web")["lines"]] == [{"CANCELLED": 3}, {"CANCELLED": 1}]
    html = act(client, "O1", "cancel", reason="CUSTOMERREQ")
    assert 'class="flash flash-error"' in html
    assert "Cancel the order</button>" not in html  # the state no longer permits it: not offered


def test_a_return_is_authorized_received_and_its_refund_released_from_the_page(admin_app, as_user) -> None:
    oms = admin_app[1]
    setup_shipped(oms, "O1", LINES, auto_approve_returns=False, auto_release_refunds=False)
    client = as_user("support")
    html = act(client, "O1", "return_authorize", **{"return-1": "1", "reason": "DAMAGED"})
    assert "Authorize a return" in html and "Return 1 requested." in html
    assert "Return 1 approved." in act(client, "O1", "return_approve", return_id="1")
    html = act(client, "O1", "return_receive", return_id="1", **{"damaged-1": "0"})
    assert "Return 1 received" in html
    refund = order_view(oms, "O1", "web")["refunds"][0]
    assert refund["status"] == "pending_release"
    assert "released" in act(client, "O1", "refund_release", refund_id=str(refund["id"]))
    assert order_view(oms, "O1", "web")["refunds"][0]["released_by"] == "admin:support"


def test_an_appeasement_beyond_what_is_refundable_is_refused_with_the_oms_message(admin_app, as_user) -> None:
    oms = admin_app[1]
    setup_shipped(oms, "O1", LINES)
    client = as_user("support")
    assert "Appeasement" in act(client, "O1", "appease", reason="GOODWILL", amount="5.00", note="sorry")
    refused = act(client, "O1", "appease", reason="GOODWILL", amount="5000")
    assert 'class="flash flash-error"' in refused and "Traceback" not in refused
    assert len(order_view(oms, "O1", "web")["refunds"]) == 1


def test_a_reshipment_creates_a_linked_order_shown_on_the_page(admin_app, as_user) -> None:
    oms = admin_app[1]
    setup_shipped(oms, "O1", LINES)
    html = act(as_user("support"), "O1", "reship", **{"reship-2": "1", "reason": "LOST"})
    assert "Reshipment order O1-R1 created" in html
    assert 'href="/admin/orders/web/O1-R1"' in html


def test_a_return_or_refund_of_another_order_is_not_found(admin_app, as_user) -> None:
    oms = admin_app[1]
    setup_shipped(oms, "O1", LINES)
    client = as_user("support")
    assert "no return 99" in act(client, "O1", "return_approve", return_id="99")
    assert "no refund 99" in act(client, "O1", "refund_release", refund_id="99")
    assert "return_id: must be a positive whole number" in act(client, "O1", "return_cancel", return_id="x")


def test_a_price_adjustment_the_oms_refuses_is_explained(admin_app, as_user) -> None:
    oms = admin_app[1]
    open_order(oms)
    html = act(as_user("support"), "O1", "price", line_id="1", price="8.00")
    assert "product &#39;A&#39; is not price_adjustable" in html and "Traceback" not in html
    assert "price: " in act(as_user("support"), "O1", "price", line_id="1", price="-1")


def test_actions_need_the_support_role_and_the_csrf_token(admin_app, as_user) -> None:
    oms = admin_app[1]
    open_order(oms)
    readonly = as_user("readonly")
    csrf = token(readonly.get(PAGE.format("O1")).text)
    response = readonly.post(PAGE.format("O1") + "/actions/comment", data={"text": "hi", "csrf_token": csrf})
    assert response.status_code == 403
    support = as_user("support")
    response = support.post(PAGE.format("O1") + "/actions/comment", data={"text": "hi"})
    assert response.status_code == 400 and "Form refused" in response.text
    assert not [e for e in order_view(oms, "O1", "web")["timeline"] if e["entity"] == "comment"]


def test_a_user_of_another_channel_cannot_act_on_the_order(admin_app, as_user) -> None:
    oms = admin_app[1]
    load_network(oms, network({("WH1", "A"): 5}, channels=[{"code": "web"}, {"code": "other"}]))
    place_order(oms, order("X1", ("A", 1), channel="other"))
    client = as_user("web-only")
    csrf = token(client.get("/admin/orders").text)
    response = client.post("/admin/orders/other/X1/actions/comment", data={"text": "hi", "csrf_token": csrf})
    assert response.status_code == 404


def shipped_with_a_spare_sku(oms: Any) -> None:
    load_network(oms, returns_network({("WH1", "A"): 50, ("WH1", "B"): 50, ("WH1", "C"): 50}))
    place_order(oms, paid_order("O1", LINES))
    ship_all(oms, "O1")


def test_an_exchange_from_the_order_page_creates_a_linked_order_and_a_return_without_refund(admin_app, as_user) -> None:
    oms = admin_app[1]
    shipped_with_a_spare_sku(oms)
    html = act(as_user("support"), "O1", "exchange", **{"exchange-1": "1", "newsku-1": "C", "reason": ""})
    assert "Exchange order O1-E1 created (immediate)" in html
    assert 'href="/admin/orders/web/O1-E1"' in html
    assert order_view(oms, "O1", "web")["refunds"] == []
    assert [ln["sku"] for ln in order_view(oms, "O1-E1", "web")["lines"]] == ["C"]
    assert "admin:support" in actors(oms, "O1")


def test_an_exchange_of_an_unknown_sku_is_refused_by_field_and_writes_nothing(admin_app, as_user) -> None:
    oms = admin_app[1]
    shipped_with_a_spare_sku(oms)
    html = act(as_user("support"), "O1", "exchange", **{"exchange-1": "1", "newsku-1": "NOPE"})
    assert 'class="flash flash-error"' in html and "NOPE" in html
    assert order_view(oms, "O1", "web")["linked_orders"] == []


def test_an_appeasement_on_one_line_is_counted_on_that_line_only(admin_app, as_user) -> None:
    oms = admin_app[1]
    setup_shipped(oms, "O1", LINES)
    on_lines = {"appease-line-2": "2.50", "appease-line-1": ""}
    html = act(as_user("support"), "O1", "appease", reason="GOODWILL", **on_lines)
    assert "Appeasement" in html and 'class="flash flash-success"' in html
    money = {row["line_id"]: row for row in order_view(oms, "O1", "web")["money"]["lines"]}
    assert (money["2"]["refunded"], money["2"]["refundable"]) == ("2.50", "2.50")
    assert money["1"]["refunded"] == "0.00"


def test_an_appeasement_on_the_order_and_on_lines_at_once_is_refused_by_field(admin_app, as_user) -> None:
    oms = admin_app[1]
    setup_shipped(oms, "O1", LINES)
    html = act(as_user("support"), "O1", "appease", reason="GOODWILL", amount="1.00", **{"appease-line-2": "1.00"})
    assert 'class="flash flash-error"' in html and "amount" in html
    assert order_view(oms, "O1", "web")["refunds"] == []
