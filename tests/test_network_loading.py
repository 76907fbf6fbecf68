"""Loading a network column by column gives what the schema gives, and the schema's errors, word for word."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.generator import generate, network_to_dict
from sourcing_engine import InputError, NetworkIndex
from sourcing_engine.schemas import NetworkSchema, load_network
from sourcing_engine.schemas.fields import load
from sourcing_engine.stock_table import StockTable

DOC = network_to_dict(generate("tiny", seed=3).network)
EXTREMES = st.one_of(
    st.sampled_from([0, -1, 1, 2**31, 2**63, -(2**63), 2**64, 10**400, 1e-7, 1e308, float("nan"), float("inf")]),
    st.sampled_from([True, False, None, "", "\x00", "\ud800", "x" * 10_000, [], {}, "WH-01", "SKU-00001"]),
    st.integers(),
    st.floats(),
    st.text(max_size=5),
)
FIELDS = ("source", "sku", "on_hand", "reserved", "safety_stock", "unlimited", "surplus")


def outcome(loader: Any, doc: Any) -> tuple[str, Any]:
    try:
        network = loader(doc)
    except InputError as err:
        return "error", (err.path, err.message)
    return "network", (network.sources, network.products, list(network.stock))


def by_schema(doc: Any) -> Any:
    return load(NetworkSchema(), doc)


def test_a_valid_network_loads_its_stock_as_columns_equal_to_the_schemas_rows() -> None:
    network = load_network(DOC)
    assert isinstance(network.stock, StockTable)
    assert outcome(load_network, DOC) == outcome(by_schema, DOC)


def test_the_index_of_a_column_network_equals_the_index_of_row_objects() -> None:
    columns, rows = NetworkIndex(load_network(DOC)), NetworkIndex(by_schema(DOC))
    skus = {row["sku"] for row in DOC["stock"]} | {"UNKNOWN"}
    for sku in skus:
        assert np.array_equal(columns.available(sku), rows.available(sku))
        assert np.array_equal(columns.lists_unlimited(sku), rows.lists_unlimited(sku))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    collection=st.sampled_from(["stock", "sources", "products"]),
    row=st.integers(min_value=0, max_value=5),
    field=st.sampled_from((*FIELDS, "code", "priority", "location", "capabilities", "type", "tags", "manage_stock")),
    value=EXTREMES,
    drop=st.booleans(),
)
def test_any_one_bad_field_gets_the_schemas_own_error(
    collection: str, row: int, field: str, value: Any, drop: bool
) -> None:
    doc = copy.deepcopy(DOC)
    target = doc[collection][row]
    if drop:
        target.pop(field, None)
    else:
        target[field] = value
    assert outcome(load_network, doc) == outcome(by_schema, doc)


@settings(max_examples=25, deadline=None)
@given(
    doc=st.one_of(
        st.none(),
        st.lists(st.integers(), max_size=2),
        st.fixed_dictionaries({"sources": st.just(DOC["sources"]), "stock": EXTREMES}),
        st.fixed_dictionaries({"sources": EXTREMES, "stock": st.just(DOC["stock"])}),
    )
)
def test_a_malformed_document_gets_the_schemas_own_error(doc: Any) -> None:
    assert outcome(load_network, doc) == outcome(by_schema, doc)


def test_a_second_row_for_the_same_source_and_sku_is_reported_at_its_place() -> None:
    doc = copy.deepcopy(DOC)
    doc["stock"].append(dict(doc["stock"][0]))
    kind, (path, message) = outcome(load_network, doc)
    assert kind == "error" and path == f"stock[{len(doc['stock']) - 1}].sku"
    assert message.startswith("second stock row for")


def test_a_stock_row_at_an_unknown_source_is_reported() -> None:
    doc = copy.deepcopy(DOC)
    doc["stock"][2]["source"] = "NOWHERE"
    assert outcome(load_network, doc) == ("error", ("stock[2].source", "unknown source 'NOWHERE'"))
