"""Post-sales over HTTP: a return received and refunded, an appeasement, the money summary, roles and 422s."""

from __future__ import annotations

from typing import Any

from oms.service.catalog import load_network
from tests.api.conftest import Client
from tests.oms.post_sales_support import paid_order, returns_network, ship_all

ORDER = "/v1/orders/web/O1"
RETURNS = f"{ORDER}/returns"
REFUNDS = f"{ORDER}/refunds"
APPEASEMENTS = f"{ORDER}/appeasements"
LINE = {"id": "1", "sku": "A", "quantity": 3, "unit_price": "9.99", "tax": "1.00"}


def shipped(api: Client, oms: Any, **settings: Any) -> None:
    load_network(oms, returns_network({("WH1", "A"): 5}, **settings))
    doc = paid_order("O1", [LINE], service_lines=[{"id": "S1", "type": "shipping", "amount": "4.95"}])
    assert api.post("/v1/orders", json=doc).status_code == 201
    ship_all(oms, "O1")


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.json
    return response.json


def test_a_return_is_authorized_received_and_refunded_pro_rata_and_the_order_shows_its_money(api, oms):
    shipped(api, oms, auto_approve_returns=False)
    ret = ok(api.post(RETURNS, json={"lines": [{"line_id": "1", "quantity": 2}], "reason": "CHANGED_MIND"}), 201)
    assert ret["status"] == "requested"
    ok(api.post(f"{RETURNS}/{ret['id']}/approve"))
    body = {"damaged": [{"line_id": "1", "quantity": 1}]}
    assert ok(api.post(f"{RETURNS}/{ret['id']}/receive", json=body))["status"] == "received"
    [refund] = ok(api.get(REFUNDS))
    assert (refund["amount"], refund["status"]) == ("20.65", "released")  # 2/3 of 30.97, half-even
    money = ok(api.get(ORDER))["money"]
    assert (money["paid"], money["refunded"], money["refundable"]) == ("35.92", "20.65", "15.27")


def test_an_appeasement_beyond_what_is_refundable_is_refused_with_the_amount_left(api, oms):
    shipped(api, oms)
    ok(api.post(APPEASEMENTS, json={"reason": "LATE_DELIVERY", "amount": "5.00"}), 201)
    refused = api.post(APPEASEMENTS, json={"reason": "GOODWILL", "amount": 35})
    assert refused.status_code == 409 and "30.92 EUR still refundable" in refused.json["detail"]
    bad = api.post(APPEASEMENTS, json={"reason": "GOODWILL", "amount": "1e-7"})
    assert bad.status_code == 422 and "decimals" in str(bad.json)
    assert len(ok(api.get(APPEASEMENTS))) == 1


def test_returns_are_for_support_and_unknown_returns_of_the_order_are_404(api, oms, as_role):
    shipped(api, oms)
    body = {"lines": [{"line_id": "1", "quantity": 1}], "reason": "OTHER"}
    assert as_role("integration").post(RETURNS, json=body).status_code == 403
    ok(as_role("support").post(RETURNS, json=body), 201)
    assert api.post(f"{RETURNS}/999/approve").status_code == 404
    too_many = api.post(RETURNS, json={"lines": [{"line_id": "1", "quantity": 3}], "reason": "OTHER"})
    assert too_many.status_code == 422 and "at most 2" in str(too_many.json)
    long_text = api.post(RETURNS, json={**body, "description": "x" * 1001})
    assert long_text.status_code == 422


def test_a_reshipment_over_http_creates_the_linked_order_and_refuses_more_than_shipped(api, oms):
    shipped(api, oms)
    body = {"lines": [{"line_id": "1", "quantity": 3}], "reason": "LOST"}
    made = api.post(f"{ORDER}/reshipments", json=body)
    assert made.status_code == 201 and made.headers["Location"].endswith("/web/O1-R1")
    assert ok(api.get("/v1/orders/web/O1-R1"))["type"] == "reshipment"
    again = api.post(f"{ORDER}/reshipments", json=body)
    assert again.status_code == 422 and "no shipped unit left" in str(again.json)


def test_a_store_system_lowers_a_price_while_picking_and_the_refund_follows(api, oms, as_role):
    from oms.service import fulfillment as ff

    doc = returns_network({("ST1", "A"): 5})
    doc["products"] = [{"sku": "A", "price_adjustable": True}]
    load_network(oms, doc)
    assert api.post("/v1/orders", json=paid_order("O1", [LINE])).status_code == 201
    [req] = ok(api.get(ORDER))["shipment_requests"]
    ff.acknowledge(oms, req["request_id"])
    done = ok(as_role("integration").post(f"{ORDER}/lines/1/price", json={"price": "8.99"}), 201)
    assert (done["difference"], done["refund_id"] is not None) == ("3.00", True)
    assert ok(api.get(ORDER))["money"]["refundable"] == "27.97"
    assert as_role("merchant").post(f"{ORDER}/lines/1/price", json={"price": "8.00"}).status_code == 403
    assert api.post(f"{ORDER}/lines/1/price", json={"price": "NaN"}).status_code == 422
