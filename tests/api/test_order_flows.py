"""Order flows through the HTTP API, end to end: intake, shipment request steps, stock, cancellation, lists.

The network is loaded through the service layer (the catalog resources have
their own scenario tests); everything else goes through the test client.
"""

from __future__ import annotations

from typing import Any

from oms.service.catalog import load_network, set_ruleset
from tests.api.conftest import Client
from tests.oms.builders import network, order

ORDERS = "/v1/orders"
REQUESTS = "/v1/shipment-requests"
STOCK_MESSAGES = "/v1/stock-messages"
STOCK = "/v1/stock"
SELLABLE = "/v1/sellable-stock"
RESOURCE = "/v1/orders/resource"


def place(api: Client, doc: dict[str, Any], status: int = 201) -> dict[str, Any]:
    response = api.post(ORDERS, json=doc)
    assert response.status_code == status, response.json
    return response.json


def view(api: Client, number: str, channel: str = "web") -> dict[str, Any]:
    response = api.get(f"{ORDERS}/{channel}/{number}")
    assert response.status_code == 200, response.json
    return response.json


def step(api: Client, request_id: int, name: str, **body: Any) -> dict[str, Any]:
    response = api.post(f"{REQUESTS}/{request_id}/{name}", json=body or None)
    assert response.status_code == 200, response.json
    return response.json


def requests_of(api: Client, number: str) -> list[dict[str, Any]]:
    return view(api, number)["shipment_requests"]


def test_an_order_placed_over_http_is_acknowledged_picked_packed_shipped_and_completes(api, oms):
    load_network(oms, network({("WH1", "A"): 5}))
    response = api.post(ORDERS, json=order("O1", ("A", 2)))
    assert response.status_code == 201
    assert response.headers["Location"] == "/v1/orders/web/O1"
    assert response.json == {
        "order_id": "O1",
        "channel": "web",
        "status": "LOGISTICS",
        "reason": "READYTOSHIP",
        "created": True,
        "units": {"ordered": 2, "allocated": 2, "shipped": 0, "waiting": 0, "cancelled": 0},
        "cancelled_by_reason": {},
    }
    [req] = api.get(f"{REQUESTS}?source=WH1&status=NEW").json["items"]
    assert (req["order_id"], req["method"], req["items"][0]["quantity"]) == ("O1", "HOME", 2)
    for name in ("ack", "pick", "pack"):
        step(api, req["request_id"], name)
    done = step(api, req["request_id"], "ship", carrier="DHL", tracking="JD0001")
    assert (done["request_status"], done["order_status"], done["order_reason"]) == (
        "SHIPPED",
        "COMPLETE",
        "FULLYSHIPPED",
    )
    shown = view(api, "O1")
    assert [e["to"] for e in shown["timeline"] if e["entity"] == "order"][-1] == "COMPLETE"
    assert shown["shipment_requests"][0]["tracking"] == "JD0001"
    rows = api.get(f"{STOCK}?sku=A").json["rows"]
    assert [(r["source"], r["on_hand"], r["reserved"]) for r in rows] == [("WH1", 3, 0)]


def test_the_same_payload_placed_again_answers_200_with_the_existing_order(api, oms):
    load_network(oms, network({("WH1", "A"): 5}))
    place(api, order("O1", ("A", 1)))
    again = place(api, order("O1", ("A", 1)), status=200)
    assert again["created"] is False
    conflict = api.post(ORDERS, json=order("O1", ("A", 2)))
    assert conflict.status_code == 409
    assert conflict.json["type"] == "urn:oms:problem:conflict"


def test_a_pickup_order_ships_to_the_store_then_is_received_and_collected(api, oms):
    load_network(oms, network({("WH1", "A"): 5}))
    place(api, order("P1", ("A", 1), pickup="ST1"))
    by_method = {r["method"]: r for r in requests_of(api, "P1")}
    assert set(by_method) == {"STS", "ISPU"}
    sts, ispu = by_method["STS"], by_method["ISPU"]
    assert (sts["source"], sts["destination"], ispu["source"]) == ("WH1", "ST1", "ST1")
    step(api, sts["request_id"], "ship", carrier="internal", tracking="STS-1")
    step(api, ispu["request_id"], "receive")
    step(api, ispu["request_id"], "pick")
    done = step(api, ispu["request_id"], "collect")
    assert (done["request_status"], done["order_status"]) == ("COLLECTED", "COMPLETE")


def test_a_bundle_ships_whole_from_one_source(api, oms):
    load_network(oms, network({("WH1", "A"): 1, ("WH2", "A"): 1, ("WH2", "B"): 1}))
    place(api, order("B1", ("A", 1, {"bundle": "kit"}), ("B", 1, {"bundle": "kit"})))
    [req] = requests_of(api, "B1")
    assert req["source"] == "WH2" and sorted(i["sku"] for i in req["items"]) == ["A", "B"]


def test_a_backorder_waits_until_a_stock_message_brings_stock_then_is_sourced(api, oms):
    load_network(oms, network({("WH1", "A"): 0}))
    placed = place(api, order("BO1", ("C", 2)))
    assert placed["status"] != "LOGISTICS" and requests_of(api, "BO1") == []
    message = {"mode": "DELTA", "source": "WH2", "items": [{"sku": "C", "quantity": 4}]}
    result = api.post(STOCK_MESSAGES, json=message)
    assert result.status_code == 200
    assert result.json == {"changed": 1, "unchanged": 0, "orders_resourced": 1, "warnings": [], "replayed": False}
    [req] = requests_of(api, "BO1")
    assert (req["source"], req["items"][0]["quantity"]) == ("WH2", 2)
    sellable = api.get(f"{SELLABLE}?channel=web&sku=C").json["sellable"]
    assert sellable == {"C": {"web": 2}}


def test_a_declined_request_is_sourced_again_from_another_source(api, oms):
    load_network(oms, network({("WH1", "A"): 2, ("WH2", "A"): 2}))
    place(api, order("D1", ("A", 1)))
    [first] = requests_of(api, "D1")
    step(api, first["request_id"], "ack")
    done = step(api, first["request_id"], "decline", note="shelf empty")
    assert done["request_status"] == "CANCELLED"
    live = [r for r in requests_of(api, "D1") if r["status"] != "CANCELLED"]
    assert [r["source"] for r in live] == [{"WH1": "WH2", "WH2": "WH1"}[first["source"]]]
    assert view(api, "D1")["lines"][0]["declined_by"] == [first["source"]]


def test_cancelling_a_line_then_the_order_releases_the_reservations(api, oms):
    load_network(oms, network({("WH1", "A"): 5, ("WH1", "B"): 5}))
    place(api, order("C1", ("A", 2), ("B", 1)))
    partial = api.post(f"{ORDERS}/web/C1/cancel", json={"lines": [{"line_id": "1", "quantity": 1}]})
    assert partial.status_code == 200 and partial.json["cancelled_units"] == 1
    whole = api.post(f"{ORDERS}/web/C1/cancel")
    assert whole.json == {"cancelled_units": 2, "status": "COMPLETE", "reason": "FULLYCANCELLED"}  # as MOM
    rows = api.get(f"{STOCK}?source=WH1").json["rows"]
    assert {r["sku"]: r["reserved"] for r in rows} == {"A": 0, "B": 0}
    again = api.post(f"{ORDERS}/web/C1/cancel")
    assert again.status_code == 409


def test_a_shipment_request_stepped_twice_is_409_naming_its_current_status(api, oms):
    load_network(oms, network({("WH1", "A"): 5}))
    place(api, order("T1", ("A", 1)))
    [req] = requests_of(api, "T1")
    step(api, req["request_id"], "ship", carrier="DHL", tracking="1")
    again = api.post(f"{REQUESTS}/{req['request_id']}/ship", json={"carrier": "DHL", "tracking": "2"})
    assert again.status_code == 409
    assert again.headers["Content-Type"] == "application/problem+json"
    assert again.json["type"] == "urn:oms:problem:illegal-transition"
    assert again.json["current_status"] == "SHIPPED"


def test_orders_of_a_batch_channel_wait_for_a_sourcing_wave(api, oms):
    load_network(oms, network({("WH1", "A"): 5}, channels=[{"code": "web", "sourcing_mode": "batch"}]))
    assert place(api, order("W1", ("A", 1)))["status"] == "NEW"
    wave = api.post(RESOURCE, json={"batch": True})
    assert wave.json == {"orders_sourced": 1, "backorder_exceptions_flagged": 0}
    assert view(api, "W1")["status"] == "LOGISTICS"


def test_an_order_held_by_the_rules_is_released_over_http(api, oms):
    load_network(oms, network({("WH1", "A"): 5}))
    set_ruleset(oms, "web", "review", "hold")
    assert place(api, order("H1", ("A", 1)))["status"] == "ONHOLD"
    released = api.post(f"{ORDERS}/web/H1/release")
    assert released.status_code == 200
    assert released.json == {"order_id": "H1", "channel": "web", "status": "LOGISTICS", "reason": "READYTOSHIP"}
    assert api.post(f"{ORDERS}/web/H1/release").status_code == 409


def test_the_order_list_filters_and_walks_every_page_once_by_its_links(api, oms):
    channels = [{"code": "web"}, {"code": "app"}]
    load_network(oms, network({("WH1", "A"): 50, ("WH2", "B"): 50}, channels=channels))
    for i in range(7):
        place(api, order(f"L{i}", ("A" if i % 2 else "B", 1), channel="web" if i < 5 else "app"))
    seen, url = [], f"{ORDERS}?channel=web&limit=2"
    while url:
        response = api.get(url)
        seen += [o["order_id"] for o in response.json["items"]]
        link = response.headers.get("Link")
        assert (link is None) == (response.json["next_cursor"] is None)
        url = link.split(";")[0].strip("<>").replace("http://localhost", "") if link else None
    assert seen == ["L4", "L3", "L2", "L1", "L0"]
    oldest = api.get(f"{ORDERS}?sort=oldest&limit=3").json["items"]
    assert [o["order_id"] for o in oldest] == ["L0", "L1", "L2"]
    assert [o["order_id"] for o in api.get(f"{ORDERS}?sku=A&channel=web").json["items"]] == ["L3", "L1"]
    assert [o["order_id"] for o in api.get(f"{ORDERS}?source=WH2&channel=app").json["items"]] == ["L6"]
    assert api.get(f"{ORDERS}?status=COMPLETE").json["items"] == []
    assert api.get(f"{ORDERS}?created_to=2000-01-01T00:00:00Z").json["items"] == []
    bad = api.get(f"{ORDERS}?cursor=bm9wZQ&limit=0&status=LOST")
    assert bad.status_code == 422
    assert {e["path"] for e in bad.json["errors"]} >= {"query.limit", "query.status"}


def test_a_cursor_this_api_did_not_hand_out_is_422(api, oms):
    load_network(oms, network())
    for cursor in ("bm9wZQ", "!!", "eyJhZnRlciI6IDk5OTk5OTk5OTk5OTk5fQ"):
        response = api.get(f"{ORDERS}?cursor={cursor}")
        assert response.status_code == 422
        assert response.json["errors"][0]["path"] == "query.cursor"


def test_intake_reports_every_invalid_field_at_once_as_problem_json(api, oms):
    load_network(oms, network())
    response = api.post(ORDERS, json={"id": "", "channel": "web", "delivery": {"method": "fly"}, "lines": []})
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json
    assert body["type"] == "urn:oms:problem:invalid-input" and body["status"] == 422
    assert {e["path"] for e in body["errors"]} >= {"id", "delivery.method", "lines"}
