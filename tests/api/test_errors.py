"""Errors are problem+json, bad input is never a 5xx, and an unexpected error carries its request id."""

from __future__ import annotations

import json
import logging
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oms.service.catalog import load_network
from tests.api.conftest import Client
from tests.oms.builders import network, order

ORDERS = "/v1/orders"
PROBLEM = "application/problem+json"
EXTREMES = st.sampled_from([0, -1, 2**31, 2**63, -(2**63), 1e-7, 1e308, -1e308, "", "\x00", "x" * 10_000, None, True])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text() | EXTREMES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def raw(api: Client, body: bytes | str, content_type: str = "application/json", url: str = ORDERS) -> Any:
    return api.post(url, data=body, headers={"Content-Type": content_type})


def assert_problem(response: Any, status: int, kind: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == PROBLEM
    body = response.json
    assert body["status"] == status and body["type"].startswith("urn:oms:problem:") and body["title"]
    if kind is not None:
        assert body["type"] == f"urn:oms:problem:{kind}"
    return body


def test_a_body_over_the_limit_is_413(api: Client) -> None:
    assert_problem(raw(api, b'{"id": "' + b"x" * (1024 * 1024) + b'"}'), 413, "payload-too-large")


def test_a_body_that_is_not_json_is_415_and_malformed_json_400(api: Client) -> None:
    assert_problem(raw(api, "id=1", "application/x-www-form-urlencoded"), 415, "unsupported-media-type")
    assert_problem(raw(api, "{}", "text/plain"), 415)
    assert_problem(raw(api, '{"id": '), 400, "malformed-json")
    assert_problem(raw(api, b'{"id": "\xff"}'), 400, "malformed-json")
    assert_problem(raw(api, '{"quantity": NaN}'), 400)
    assert_problem(raw(api, '{"quantity": 1' + "0" * 5000 + "}"), 400)


def test_deeply_nested_json_is_refused_without_a_server_error(api: Client) -> None:
    assert_problem(raw(api, "[" * 100_000 + "]" * 100_000), 400)
    assert_problem(raw(api, '{"a":' * 70 + "1" + "}" * 70), 422)


def test_nul_characters_and_lone_surrogates_are_422_naming_the_field(api: Client, oms: Any) -> None:
    load_network(oms, network({("WH1", "A"): 5}))
    body = assert_problem(raw(api, '{"id": "O\\u0000", "channel": "web\\ud800"}'), 422, "invalid-input")
    assert {e["path"] for e in body["errors"]} == {"id", "channel"}
    assert_problem(api.get(f"{ORDERS}/web/O%001"), 422)
    assert_problem(api.get(f"{ORDERS}?sku=%00"), 422)


def test_bodies_that_are_not_objects_are_422(api: Client, oms: Any) -> None:
    load_network(oms, network())
    for body in ("[]", '"order"', "1", "null", "true"):
        assert_problem(raw(api, body), 422)
        assert_problem(raw(api, body, url="/v1/stock-messages"), 422)
        assert_problem(raw(api, body, url="/v1/orders/web/X/cancel"), 422)
    assert_problem(raw(api, ""), 422)  # a POST that needs a body


def test_ids_out_of_range_are_404_not_a_database_error(api: Client) -> None:
    for request_id in (2**63, 2**31, 0, -1, "x"):
        assert_problem(api.post(f"/v1/shipment-requests/{request_id}/ack"), 404)
    assert_problem(api.get(f"{ORDERS}/web/{'x' * 65}"), 404)
    assert_problem(api.get(f"{ORDERS}?created_from=0001-01-01T00:00:00%2B05:00"), 422)
    assert_problem(api.get(f"{ORDERS}?limit=99999999999999999999"), 422)


def test_unknown_routes_and_methods_are_problems_too(api: Client) -> None:
    assert_problem(api.get("/v1/nothing"), 404, "not-found")
    response = api.open(ORDERS, "DELETE")
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_the_request_id_is_echoed_or_made_and_is_in_every_problem(api: Client) -> None:
    mine = api.get("/v1/orders/web/none", headers={"X-Request-Id": "trace-42"})
    assert mine.headers["X-Request-Id"] == "trace-42" and mine.json["request_id"] == "trace-42"
    made = api.get("/v1/orders/web/none", headers={"X-Request-Id": "bad id\x7f" * 40})
    assert made.headers["X-Request-Id"] != "bad id" and len(made.headers["X-Request-Id"]) == 32


def test_an_unexpected_error_is_500_with_the_request_id_that_is_also_logged(app: Any, api: Client, caplog) -> None:
    def boom() -> Any:
        raise RuntimeError("bug")

    app.add_url_rule("/boom", "boom", boom)
    with caplog.at_level(logging.ERROR, logger="oms.http.error"):
        response = api.get("/boom", headers={"X-Request-Id": "req-500"})
    body = assert_problem(response, 500, "internal-error")
    assert body["request_id"] == "req-500" and "bug" not in json.dumps(body)
    assert any(getattr(r, "request_id", None) == "req-500" and r.exc_info for r in caplog.records)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    doc=JSON, where=st.sampled_from([ORDERS, "/v1/stock-messages", "/v1/orders/web/O1/cancel", "/v1/orders/resource"])
)
def test_no_generated_body_gets_a_server_error(api: Client, oms: Any, doc: Any, where: str) -> None:
    response = api.post(where, json=doc)
    assert response.status_code < 500, response.json


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.tuples(st.sampled_from(["A", "B", "\x00", "x" * 100]), EXTREMES), min_size=1, max_size=3))
def test_no_order_with_extreme_lines_gets_a_server_error(api: Client, oms: Any, lines: list) -> None:
    doc = order("E1", *[(sku, qty) for sku, qty in lines])
    response = api.post(ORDERS, json=doc)
    assert response.status_code < 500, response.json
