"""Extreme values in every catalog, rules and simulation body: never a 5xx, always problem+json naming the field.

Valid documents are taken apart at random places and given values no sender should send (0, negatives,
2^31, 2^63, 1e-7, 1e308, NaN, huge strings, NUL, lone surrogates, deep nesting, wrong types); the answer
must be a success or a 4xx problem whose 422 errors each carry a path and a message.
"""
# ruff: noqa: F401, F811 (the catalog fixtures are imported by name)

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.catalog_fixtures import (
    EU_ONLY,
    Api,
    Service,
    loaded,
    merchant,
    sample_network,
    sample_order,
    service,
)

HUGE = "x" * 200_000


def deep(levels: int) -> Any:
    doc: Any = 1
    for _ in range(levels):
        doc = [doc]
    return doc


ODD = [0, -1, 1, 2**31, -(2**31) - 1, 2**63, -(2**63), 2**64, 1e-7, 1e308, -1e308, float("nan"), float("inf")]
ODD += ["", " ", "\x00", "a\x00b", "\ud800", "\U0001f600", HUGE, "\n\t", True, False, None, [], {}, deep(80)]
ODD += [{"a": {"b": {"c": [1, "x", None]}}}, ["WH-BER"] * 3]
extreme = st.one_of(
    st.sampled_from(ODD),
    st.sampled_from(ODD),
    st.sampled_from(ODD),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=8,
    ),
)
EXAMPLES = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def places(doc: Any, at: tuple = ()) -> list[tuple]:
    found = [at]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += places(value, (*at, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc[:4]):
            found += places(value, (*at, i))
    return found


@st.composite
def mutated(draw: st.DrawFn, doc: Any) -> Any:
    """``doc`` with one to three values replaced by extreme ones, and maybe an unknown field added."""
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.sampled_from(places(doc)))
        if not at:
            return copy.deepcopy(draw(extreme)) if draw(st.booleans()) else doc
        parent = doc
        for step in at[:-1]:
            parent = parent[step]
        parent[at[-1]] = copy.deepcopy(draw(extreme))  # a copy: later draws must not change the shared values
    if isinstance(doc, dict) and draw(st.booleans()):
        doc[draw(st.text(max_size=10))] = copy.deepcopy(draw(extreme))
    return doc


def send(api: Api, method: str, url: str, doc: Any, headers: dict[str, str] | None = None) -> Any:
    body = json.dumps(doc, allow_nan=True)  # NaN and Infinity on purpose: the API must refuse them cleanly
    return getattr(api, method)(url, data=body, headers={"Content-Type": "application/json", **(headers or {})})


def strict_json(text: str) -> Any:
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in a JSON answer")

    return json.loads(text, parse_constant=refuse)


def assert_clean(answer: Any) -> None:
    assert answer.status_code < 500, answer.get_data(as_text=True)[:500]
    if answer.status_code != 304:
        strict_json(answer.get_data(as_text=True))
    if answer.status_code >= 400:
        assert answer.headers["Content-Type"] == "application/problem+json"
        problem = answer.json
        assert problem["status"] == answer.status_code and problem["type"] and problem["detail"]
    if answer.status_code == 422:
        assert answer.json["errors"], answer.json
        for error in answer.json["errors"]:
            assert isinstance(error["path"], str) and isinstance(error["message"], str) and error["message"]


def one_source() -> dict:
    return copy.deepcopy(next(s for s in sample_network()["sources"] if s["code"] == "WH-BER"))


@EXAMPLES
@given(data=st.data())
def test_catalog_items_take_any_edit_without_a_server_error(loaded: Api, data: st.DataObject) -> None:
    url, doc = data.draw(
        st.sampled_from(
            [
                ("/v1/sources/WH-BER", one_source()),
                ("/v1/products/TSHIRT-M", {"sku": "TSHIRT-M", "type": "physical", "tags": ["apparel"]}),
                ("/v1/channels/web", {"code": "web", "name": "Web", "sources": ["WH-BER"], "strategy": "optimal"}),
            ]
        )
    )
    assert_clean(send(loaded, "put", url, data.draw(mutated(doc)), {"If-Match": "*"}))


@EXAMPLES
@given(data=st.data())
def test_a_network_document_with_extreme_values_never_fails_the_server(merchant: Api, data: st.DataObject) -> None:
    network = sample_network()
    small = {
        "sources": network["sources"][:3],
        "products": network["products"][:2],
        "stock": [row for row in network["stock"] if row["source"] in ("WH-BER", "WH-HAM", "WH-FRA")][:3],
        "channels": network["channels"][:1],
    }
    assert_clean(send(merchant, "put", "/v1/network", data.draw(mutated(small))))


@EXAMPLES
@given(data=st.data())
def test_rules_bodies_with_extreme_values_never_fail_the_server(loaded: Api, data: st.DataObject) -> None:
    url, doc = data.draw(
        st.sampled_from(
            [
                ("/v1/channels/web/rulesets", {"text": EU_ONLY, "name": "eu"}),
                ("/v1/channels/web/rulesets/1/activate", {"name": "eu"}),
                ("/v1/rules/check", {"text": EU_ONLY}),
                ("/v1/rules/explain", {"rules": EU_ONLY, "order": sample_order(), "strategy": "optimal"}),
            ]
        )
    )
    assert_clean(send(loaded, "post", url, data.draw(mutated(doc))))


@EXAMPLES
@given(data=st.data())
def test_a_simulation_with_extreme_values_never_fails_the_server(loaded: Api, data: st.DataObject) -> None:
    network = sample_network()
    doc: dict[str, Any] = {"order": sample_order(data.draw(st.sampled_from([0, 1, 3])))}
    if data.draw(st.booleans()):
        doc["network"] = {"sources": network["sources"][:4], "stock": network["stock"][:4]}
    if data.draw(st.booleans()):
        doc["rules"] = EU_ONLY
    if data.draw(st.booleans()):
        doc["strategy"] = data.draw(st.sampled_from(["optimal", "priority", "distance"]))
    assert_clean(send(loaded, "post", "/v1/sourcing/simulate", data.draw(mutated(doc))))


def test_rules_text_at_its_bound_is_checked_and_beyond_it_refused_by_name(loaded: Api) -> None:
    from oms.service.rulesets import MAX_RULES_TEXT

    at_bound = EU_ONLY + "#" * (MAX_RULES_TEXT - len(EU_ONLY))
    assert loaded.post("/v1/rules/check", json={"text": at_bound}).status_code == 200
    beyond = loaded.post("/v1/channels/web/rulesets", json={"text": at_bound + "#"})
    assert beyond.status_code == 422 and beyond.json["errors"][0]["path"] == "text"


NUMBERS = [-1, 2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 2**64, 1e308, -1e308, 1e-7]


def numbers_of(doc: Any) -> list[tuple]:
    found = []
    for at in places(doc):
        node = doc
        for step in at:
            node = node[step]
        if isinstance(node, int | float) and not isinstance(node, bool):
            found.append(at)
    return found


def with_value(doc: Any, at: tuple, new: Any) -> Any:
    doc = copy.deepcopy(doc)
    parent = doc
    for step in at[:-1]:
        parent = parent[step]
    parent[at[-1]] = new
    return doc


@pytest.mark.parametrize("service", ["sqlite", "postgresql"], indirect=True)
@pytest.mark.parametrize("number", NUMBERS)
def test_every_number_of_every_body_at_an_extreme_is_answered_cleanly(loaded: Api, number: float) -> None:
    network = sample_network()
    berlin_rows = [row for row in network["stock"] if row["source"] == "WH-BER"][:1]
    bodies = [
        ("put", "/v1/sources/WH-BER", one_source()),
        (
            "put",
            "/v1/channels/web",
            {
                "code": "web",
                "sources": [{"source": "WH-BER", "priority": 1}],
                "low_stock_threshold": 1,
                "backorder_exception_days": 7,
            },
        ),
        ("put", "/v1/network", {"sources": [one_source()], "stock": berlin_rows, "channels": network["channels"][:1]}),
        ("post", "/v1/sourcing/simulate", {"order": sample_order()}),
        (
            "post",
            "/v1/sourcing/simulate",
            {"order": sample_order(), "network": {"sources": [one_source()], "stock": berlin_rows}},
        ),
        ("post", "/v1/rules/explain", {"rules": EU_ONLY, "order": sample_order()}),
    ]
    for method, url, doc in bodies:
        for at in numbers_of(doc):
            assert_clean(send(loaded, method, url, with_value(doc, at, number), {"If-Match": "*"}))


@pytest.mark.parametrize("service", ["sqlite", "postgresql"], indirect=True)
def test_strings_longer_than_their_columns_are_never_a_server_error(loaded: Api) -> None:
    source = one_source()
    for field, value in [("name", "n" * 5000), ("code", "c" * 65)]:
        assert_clean(send(loaded, "put", "/v1/sources/WH-BER", {**source, field: value}, {"If-Match": "*"}))
    located = {**source, "location": {**source["location"], "postcode": "9" * 40, "country": "D" * 40}}
    answer = send(loaded, "put", "/v1/sources/WH-BER", located, {"If-Match": "*"})
    assert_clean(answer)
    if answer.status_code == 422:
        assert {e["path"] for e in answer.json["errors"]} <= {"location.postcode", "location.country"}
    assert_clean(send(loaded, "put", "/v1/network", {"sources": [{**source, "code": "S" * 300}]}))
