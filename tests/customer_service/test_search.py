"""Finding orders from what a customer says, on SQLite and PostgreSQL: each filter, combined, a page at a time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from oms.errors import InvalidInput
from oms.service.app import Oms
from oms.service.catalog import load_network
from oms.service.listing import OrderFilter, list_orders
from oms.service.orders import cancel_order, place_order
from oms.service.search import CSV_COLUMNS, as_csv
from oms.service.views import order_view
from tests.oms.builders import BERLIN, network, order

ZOE = {
    "id": "C1",
    "first_name": "Zoë",
    "last_name": "Müller",
    "email": "Zoe.Mueller@Example.com",
    "phone": "+49 (30) 1234-567",
}
MAX = {"id": "C2", "first_name": "Max", "last_name": "Mustermann", "email": "max@example.com", "phone": "0049 30 999"}


def placed(app: Oms, number: str, customer: dict | None, postcode: str = "10115", **fields: Any) -> None:
    doc = order(number, ("A", 1), customer=customer, **fields)
    doc["delivery"]["address"] = {
        **BERLIN,
        "postcode": postcode,
        "name": "Zoë Müller",
        "street": "Hauptstr. 1",
        "city": "Berlin",
    }
    place_order(app, doc)


def found(app: Oms, **terms: Any) -> list[str]:
    return [i["order_id"] for i in list_orders(app, OrderFilter(**terms), 500).items]


@pytest.fixture
def shop(app: Oms) -> Oms:
    load_network(app, network({("WH1", "A"): 100}))
    placed(
        app,
        "W-100",
        ZOE,
        "10115",
        billing_address={
            "name": "Zoë Müller",
            "street": "Weg 2",
            "city": "Berlin",
            "postcode": "10115",
            "country": "DE",
        },
    )
    placed(app, "W-101", MAX, "80331")
    placed(app, "W-200", ZOE, "80 331")
    placed(app, "X-300", None, "10115")
    cancel_order(app, "W-101", None, "web", "CUSTOMERREQ")
    return app


def test_a_customer_and_addresses_given_at_intake_are_kept_on_the_order(shop: Oms) -> None:
    view = order_view(shop, "W-100", "web")
    assert view["customer"] == ZOE
    assert view["billing_address"]["street"] == "Weg 2"
    assert view["delivery"]["address"]["street"] == "Hauptstr. 1"
    assert view["delivery"]["address"]["city"] == "Berlin"


def test_names_match_whatever_the_case_and_accents_first_or_last_name_first(shop: Oms) -> None:
    assert found(shop, name="zoe muller") == ["W-200", "W-100"]
    assert found(shop, name="MÜLLER") == ["W-200", "W-100"]
    assert found(shop, name="Zo") == ["W-200", "W-100"]
    assert found(shop, name="must") == ["W-101"]
    assert found(shop, name="nobody") == []


def test_email_ignores_case_and_phone_compares_only_digits(shop: Oms) -> None:
    assert found(shop, email="zoe.mueller@example.COM") == ["W-200", "W-100"]
    assert found(shop, phone="49301234567") == ["W-200", "W-100"]
    assert found(shop, phone="0049-30-999") == ["W-101"]


def test_postcode_ignores_spaces_and_id_matches_a_prefix_literally(shop: Oms) -> None:
    assert found(shop, postcode="80331") == ["W-200", "W-101"]
    assert found(shop, order_id="W-1") == ["W-101", "W-100"]
    assert found(shop, order_id="W%") == []
    assert found(shop, order_id="_-") == []


def test_filters_combine_with_status_reason_type_sku_source_and_dates(shop: Oms) -> None:
    assert found(shop, name="zoe", postcode="10115") == ["W-100"]
    assert found(shop, status="COMPLETE", reason="FULLYCANCELLED") == ["W-101"]
    assert found(shop, type="normal", source="WH1", sku="A", name="zoe") == ["W-200", "W-100"]
    assert found(shop, created_from=datetime(2000, 1, 1, tzinfo=UTC), email="max@example.com") == ["W-101"]
    assert found(shop, created_to=datetime(2000, 1, 1, tzinfo=UTC)) == []


def test_pages_walk_the_result_newest_first_without_repeats_while_orders_arrive(shop: Oms) -> None:
    first = list_orders(shop, OrderFilter(postcode="10115"), 1)
    placed(shop, "W-999", ZOE, "10115")  # arrives between two pages: newer, so not on the later pages
    second = list_orders(shop, OrderFilter(postcode="10115"), 1, first.next_after)
    assert [i["order_id"] for i in first.items + second.items] == ["X-300", "W-100"]
    assert second.next_after is None


def test_search_terms_no_order_can_match_are_refused_by_name(shop: Oms) -> None:
    for terms, field in (
        ({"name": "a\x00b"}, "name"),
        ({"phone": "no digits"}, "phone"),
        ({"name": "!!!"}, "name"),
        ({"email": "x" * 300}, "email"),
        ({"order_id": "\ud800"}, "order_id"),
    ):
        with pytest.raises(InvalidInput) as err:
            list_orders(shop, OrderFilter(**terms))
        assert [e.path for e in err.value.errors] == [field]


def test_the_csv_export_has_the_grid_columns_and_defuses_formulas(shop: Oms) -> None:
    items = list_orders(shop, OrderFilter(name="zoe")).items
    lines = as_csv([*items, {**items[0], "customer_name": "=HYPERLINK(1)"}]).splitlines()
    assert lines[0].split(",") == [title for _, title in CSV_COLUMNS]
    assert lines[1].startswith("W-200,web,normal,")
    assert "Zoë Müller,Zoe.Mueller@Example.com" in lines[1]
    assert "'=HYPERLINK(1)" in lines[3]


def test_intake_refuses_a_customer_beyond_its_bounds_naming_each_field(app: Oms) -> None:
    load_network(app, network({("WH1", "A"): 1}))
    doc = order("O1", ("A", 1), customer={"email": "not-an-address", "phone": "1" * 33, "nick": "x"})
    doc["delivery"]["address"]["street"] = "a\x00"
    with pytest.raises(InvalidInput) as err:
        place_order(app, doc)
    assert [e.path for e in err.value.errors] == [
        "customer.email",
        "customer.nick",
        "customer.phone",
        "delivery.address.street",
    ]
