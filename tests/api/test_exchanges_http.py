"""Exchanges over HTTP: the linked order, support only, Idempotency-Key, 422 naming the field, extreme bodies."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oms.service.catalog import load_network
from tests.api.conftest import Client
from tests.api.test_catalog_extremes import assert_clean, mutated, send
from tests.oms.post_sales_support import paid_order, returns_network, ship_all

ORDER = "/v1/orders/web/O1"
EXCHANGES = f"{ORDER}/exchanges"
BODY = {"lines": [{"line_id": "1", "quantity": 1, "sku": "B"}]}


def shipped(api: Client, oms: Any, **settings: Any) -> None:
    load_network(oms, returns_network({("WH1", "A"): 5, ("WH1", "B"): 5}, **settings))
    line = {"id": "1", "sku": "A", "quantity": 2, "unit_price": "9.99", "tax": "1.00"}
    assert api.post("/v1/orders", json=paid_order("O1", [line])).status_code == 201
    ship_all(oms, "O1")


def exchanges_of(api: Client) -> list[dict[str, Any]]:
    return [o for o in api.get(ORDER).json["linked_orders"] if o["type"] == "exchange"]


def test_an_exchange_over_http_creates_the_linked_order_once_per_idempotency_key(api, oms):
    shipped(api, oms)
    key = {"Idempotency-Key": "exchange-1"}
    made = api.post(EXCHANGES, json={**BODY, "reason": "CHANGED_MIND"}, headers=key)
    assert made.status_code == 201 and made.headers["Location"].endswith("/web/O1-E1")
    assert (made.json["lines"][0]["value"], made.json["mode"]) == ("10.49", "immediate")
    again = api.post(EXCHANGES, json={**BODY, "reason": "CHANGED_MIND"}, headers=key)
    assert again.status_code == 201 and again.json == made.json
    view = api.get("/v1/orders/web/O1-E1").json
    assert (view["type"], view["original_order_id"], view["money"]["paid"]) == ("exchange", "O1", "0.00")
    assert len(exchanges_of(api)) == 1


def test_an_exchange_after_return_waits_on_hold_until_the_return_is_received(api, oms):
    shipped(api, oms, exchange_mode="after_return")
    made = api.post(EXCHANGES, json=BODY).json
    assert (made["status"], made["reason"]) == ("ONHOLD", "WAITING_RETURN")
    assert api.post(f"{ORDER}/returns/{made['return_id']}/receive", json={}).status_code == 200
    assert api.get("/v1/orders/web/O1-E1").json["status"] == "LOGISTICS"


def test_exchanges_are_for_support_and_bad_ones_are_422_naming_the_field(api, oms, as_role):
    shipped(api, oms)
    assert as_role("integration").post(EXCHANGES, json=BODY).status_code == 403
    for body, path in [
        ({"lines": [{"line_id": "7", "quantity": 1, "sku": "B"}]}, "lines.7"),
        ({"lines": [{"line_id": "1", "quantity": 1, "sku": "ZZ"}]}, "lines.1.sku"),
        ({"lines": [{"line_id": "1", "quantity": 3, "sku": "B"}]}, "lines.1.quantity"),
        ({"lines": [{"line_id": "1", "quantity": 1, "sku": "B", "new_unit_price": "-1"}]}, "lines.1.new_unit_price"),
        ({"lines": []}, "lines"),
    ]:
        answer = api.post(EXCHANGES, json=body)
        assert answer.status_code == 422, answer.json
        assert path in [e["path"] for e in answer.json["errors"]], answer.json
    assert api.post("/v1/orders/web/NOPE/exchanges", json=BODY).status_code == 404
    assert exchanges_of(api) == [] and api.get(f"{ORDER}/returns").json == []
    assert as_role("support").post(EXCHANGES, json=BODY).status_code == 201
    twice = api.post(EXCHANGES, json=BODY)
    assert twice.status_code == 422 and "exchanged already" in str(twice.json)


def test_a_channel_posting_an_exchange_or_reshipment_order_gets_a_422_on_type(api, oms):
    shipped(api, oms)
    for kind in ("exchange", "reshipment"):
        doc = paid_order(f"X-{kind}", [{"id": "1", "sku": "A", "quantity": 1}], type=kind, original_order_id="O1")
        answer = api.post("/v1/orders", json=doc)
        assert answer.status_code == 422 and [e["path"] for e in answer.json["errors"]] == ["type"]


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_exchange_bodies_with_extreme_values_are_answered_cleanly_and_write_nothing_when_refused(
    api, oms, data
) -> None:
    if api.get(ORDER).status_code == 404:  # once: the examples share the database
        shipped(api, oms)
    before = len(exchanges_of(api))
    body = data.draw(mutated(copy.deepcopy({**BODY, "reason": "OTHER", "source": "WH1"})))
    answer = send(api, "post", EXCHANGES, body)
    assert_clean(answer)
    assert len(exchanges_of(api)) == before + (1 if answer.status_code == 201 else 0)


def test_the_intake_schema_in_the_spec_shows_the_money_intake_accepts_with_its_bounds(app) -> None:
    spec = app.test_client().get("/openapi.json").json
    schemas = spec["components"]["schemas"]
    intake = schemas["IntakeOrder"]["properties"]
    assert intake["currency"]["pattern"] == "^[A-Z]{3}$" and intake["service_lines"]["maxItems"] == 100
    assert intake["type"]["enum"] == ["normal"] and intake["lines"]["maxItems"] == 1000
    line = schemas["IntakeLine"]["properties"]
    for name in ("unit_price", "discount", "tax"):
        assert line[name]["type"] == ["string", "number"] and line[name]["minimum"] == 0, name
    assert line["unit_price"]["maximum"] == 1e9 and line["tax"]["maximum"] == 1e15
    assert line["sku"]["maxLength"] == 64
    service = schemas["ServiceLine"]
    assert set(service["required"]) == {"id", "amount"} and service["properties"]["type"]["enum"] == [
        "shipping",
        "service",
    ]
    assert "/v1/orders/{channel}/{order_id}/exchanges" in spec["paths"]
