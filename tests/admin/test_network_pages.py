"""Network and stock pages through the test client: sources with their map, stock and sellable stock, low stock."""
# ruff: noqa: F401, F811 (the studio fixtures are imported by name)

from __future__ import annotations

import re

from tests.admin.studio_fixtures import Studio, prepared, studio


def test_the_sources_page_lists_capabilities_costs_and_draws_every_source(studio: Studio) -> None:
    page = studio.as_user("merchant").get("/admin/network").text
    assert '<th scope="row">WH-BER</th>' in page and "returns, ship, ship_to_store" in page
    assert page.count('<g class="place place-') >= 30  # the demo network's sources
    assert 'aria-labelledby="network-map-title network-map-desc"' in page


def test_the_stock_page_shows_rows_and_sellable_stock_per_channel_a_page_at_a_time(studio: Studio) -> None:
    merchant = studio.as_user("merchant")
    page = merchant.get("/admin/network/stock?sku=TSHIRT-M").text
    assert '<th scope="row">TSHIRT-M</th>' in page and "Sellable per channel" in page
    assert '<th scope="col" class="num">web</th>' in page
    later = merchant.get("/admin/network/stock?after=M").text
    skus = re.findall(r'<tr><th scope="row">([^<]+)</th><td class="num">', later)  # the sellable table
    assert skus and all(sku > "M" for sku in skus) and len(skus) <= 50
    assert merchant.get("/admin/network/stock?sku=%00").status_code == 422
    assert merchant.get("/admin/network/stock?sku=" + "A" * 65).status_code == 422


def test_the_sellable_stock_of_a_merchant_limited_to_a_channel_shows_only_that_channel(studio: Studio) -> None:
    page = studio.as_user("web-merchant").get("/admin/network/stock?sku=TSHIRT-M").text
    assert '<th scope="col" class="num">web</th>' in page and '<th scope="col" class="num">store</th>' not in page


def test_low_stock_uses_the_threshold_and_refuses_one_that_is_not_a_count(studio: Studio) -> None:
    merchant = studio.as_user("merchant")
    default = merchant.get("/admin/network/low-stock").text
    assert "at or below 5 units" in default
    everything = merchant.get("/admin/network/low-stock?threshold=1000000000").text
    assert everything.count('<th scope="row">') > default.count('<th scope="row">')
    for bad in ["-1", "1.5", "x", "1000000001", "9" * 30]:
        answer = merchant.get(f"/admin/network/low-stock?threshold={bad}")
        assert answer.status_code == 422 and "<code>threshold</code>" in answer.text
