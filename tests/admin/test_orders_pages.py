"""The order grid and the order page through the test client: search, CSV, channels, every part of an order."""

from __future__ import annotations

import csv
import io

from oms.service.catalog import load_network
from oms.service.orders import place_order
from tests.oms.builders import network, order

ANN = {"first_name": "Ann", "last_name": "Müller", "email": "Ann.Mueller@example.com", "phone": "+49 30 1234"}
TWO_CHANNELS = [{"code": "web"}, {"code": "other"}]


def seed(oms) -> None:
    load_network(oms, network({("WH1", "A"): 50, ("WH1", "B"): 50}, channels=TWO_CHANNELS))
    place_order(oms, order("W-1", ("A", 2), ("B", 1), customer=ANN))
    place_order(oms, order("W-2", ("A", 1), customer={**ANN, "email": "bob@example.com", "first_name": "Bob"}))
    place_order(oms, order("O-1", ("A", 1), channel="other", customer=ANN))


def order_ids(html: str) -> list[str]:
    return [part.split('">')[1].split("<")[0] for part in html.split('<a href="/admin/orders/')[1:]]


def test_the_search_finds_orders_by_customer_email_whatever_its_case(admin_app, as_user) -> None:
    oms = admin_app[1]
    seed(oms)
    page = as_user("support").get("/admin/orders?email=ann.mueller@EXAMPLE.com")
    assert page.status_code == 200
    assert sorted(order_ids(page.text)) == ["O-1", "W-1"]
    assert "Ann.Mueller@example.com" in page.text


def test_the_search_combines_filters_and_blank_fields_are_ignored(admin_app, as_user) -> None:
    oms = admin_app[1]
    seed(oms)
    client = as_user("support")
    page = client.get("/admin/orders?name=muller&channel=web&order_id=&status=&sort=oldest")
    assert order_ids(page.text) == ["W-1", "W-2"]
    page = client.get("/admin/orders?order_id=W-&phone=49301234&created_from=2026-11-26&created_to=2026-11-26")
    assert order_ids(page.text) == ["W-2", "W-1"]
    assert "No order matches." in client.get("/admin/orders?created_from=2026-11-27").text


def test_a_bad_filter_is_shown_at_its_field_and_searches_nothing(admin_app, as_user) -> None:
    oms = admin_app[1]
    seed(oms)
    client = as_user("support")
    page = client.get("/admin/orders?email=" + "x" * 300 + "&created_to=tomorrow")
    assert page.status_code == 422
    assert 'id="e-email"' in page.text and 'id="e-created_to"' in page.text
    assert order_ids(page.text) == []
    assert client.get("/admin/orders?phone=abc").status_code == 422


def test_a_user_limited_to_a_channel_finds_and_opens_only_its_orders(admin_app, as_user) -> None:
    oms = admin_app[1]
    seed(oms)
    client = as_user("web-only")
    assert sorted(order_ids(client.get("/admin/orders").text)) == ["W-1", "W-2"]
    assert client.get("/admin/orders/other/O-1").status_code == 404
    assert client.get("/admin/orders/web/W-1").status_code == 200
    rows = list(csv.reader(io.StringIO(client.get("/admin/orders.csv").text)))
    assert sorted(r[0] for r in rows[1:]) == ["W-1", "W-2"]


def test_the_csv_export_has_the_grids_columns_and_every_match(admin_app, as_user) -> None:
    oms = admin_app[1]
    seed(oms)
    response = as_user("readonly").get("/admin/orders.csv?email=ann.mueller@example.com")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="orders-')
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:4] == ["Order ID", "Channel", "Type", "Status"]
    assert sorted((r[0], r[5], r[6]) for r in rows[1:]) == [
        ("O-1", "Ann Müller", "Ann.Mueller@example.com"),
        ("W-1", "Ann Müller", "Ann.Mueller@example.com"),
    ]
    assert as_user("support").get("/admin/orders.csv?email=" + "x" * 300).status_code == 422


def test_the_order_page_shows_lines_units_requests_money_and_timeline(admin_app, as_user) -> None:
    oms = admin_app[1]
    seed(oms)
    page = as_user("support").get("/admin/orders/web/W-1")
    assert page.status_code == 200
    text = page.text
    for expected in (
        "Order W-1",
        'id="line-1"',
        'id="line-2"',
        "2 × ALLOCATEDSHIP",
        "#",
        "from WH1",
        "Paid",
        "Timeline",
    ):
        assert expected in text, expected
    assert "<summary>Steps (1)</summary>" in text and "NEW (SHIPMENTCREATED)" in text
    assert "Hold the order" in text and "Cancel the order" in text  # what support may do on an open order
    assert "Release the order" not in text and "Authorize a return" not in text


def test_a_readonly_user_reads_the_order_page_without_any_action(admin_app, as_user) -> None:
    oms = admin_app[1]
    seed(oms)
    text = as_user("readonly").get("/admin/orders/web/W-1").text
    assert "Order W-1" in text
    assert "/actions/" not in text


def test_an_unknown_order_is_the_404_page(admin_app, as_user) -> None:
    oms = admin_app[1]
    seed(oms)
    page = as_user("support").get("/admin/orders/web/NOPE")
    assert page.status_code == 404
    assert "Not found" in page.text and "Traceback" not in page.text
