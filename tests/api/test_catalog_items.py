"""The network over HTTP: load it, page through it, and edit one source, channel or product under If-Match."""
# ruff: noqa: F401, F811 (the catalog fixtures are imported by name)

from __future__ import annotations

from pathlib import Path

import pytest

from api.http import create_app
from oms.rules import DslRules
from oms.service.app import Oms
from tests.api.catalog_fixtures import Api, Service, loaded, merchant, sample_network, service
from tests.oms.databases import database

NETWORK = "/v1/network"
SOURCES = "/v1/sources"
CHANNELS = "/v1/channels"
PRODUCTS = "/v1/products"


def all_pages(api: Api, url: str, limit: int) -> list[dict]:
    items, next_url, pages = [], f"{url}?limit={limit}", 0
    while next_url:
        answer = api.get(next_url)
        assert answer.status_code == 200, answer.json
        assert len(answer.json["items"]) <= limit
        items += answer.json["items"]
        link = answer.headers.get("Link")
        next_url = link[1 : link.index(">")].replace("http://localhost", "") if link else None
        assert (link is None) == (answer.json["next_cursor"] is None)
        pages += 1
        assert pages < 100
    return items


def test_a_network_loaded_over_http_reads_back_source_by_source_in_pages(loaded: Api) -> None:
    sources = all_pages(loaded, SOURCES, 7)
    codes = [s["code"] for s in sources]
    assert codes == sorted(codes) and len(codes) == len(set(codes)) == 30
    berlin = next(s for s in sample_network()["sources"] if s["code"] == "WH-BER")
    assert loaded.get(f"{SOURCES}/WH-BER").json == {
        **berlin,
        "capabilities": sorted(berlin["capabilities"]),
        "attributes": {},
    }
    assert [p["sku"] for p in all_pages(loaded, PRODUCTS, 4)] == sorted(p["sku"] for p in sample_network()["products"])
    assert [c["code"] for c in all_pages(loaded, CHANNELS, 2)] == ["pos", "store", "web"]


def test_loading_the_same_network_twice_changes_no_stock_the_second_time(loaded: Api) -> None:
    again = loaded.put(NETWORK, json=sample_network())
    assert again.status_code == 200
    assert again.json["sources"] == 30 and again.json["stock_rows_changed"] == 0


def test_an_invalid_network_is_refused_with_every_field_path_and_nothing_is_loaded(merchant: Api) -> None:
    doc = sample_network()
    doc["sources"][2]["location"]["lat"] = 91
    doc["products"][0]["type"] = "liquid"
    doc["channels"][1]["strategy"] = "cheapest"
    answer = merchant.put(NETWORK, json=doc)
    assert answer.status_code == 422
    assert answer.headers["Content-Type"] == "application/problem+json"
    paths = {e["path"] for e in answer.json["errors"]}
    assert {"sources[2].location.lat", "products[0].type", "channels[1].strategy"} <= paths
    assert merchant.get(SOURCES).json["items"] == []


@pytest.mark.parametrize(
    ("url", "field", "value"),
    [
        (f"{SOURCES}/WH-BER", "name", "Berlin DC (new hall)"),
        (f"{CHANNELS}/web", "name", "Webshop"),
        (f"{PRODUCTS}/TSHIRT-M", "backorders", True),
    ],
)
def test_an_edit_needs_the_etag_of_what_it_read_428_without_and_412_when_stale(
    loaded: Api, url: str, field: str, value: object
) -> None:
    read = loaded.get(url)
    etag = read.headers["ETag"]
    changed = {**read.json, field: value}
    assert loaded.put(url, json=changed).status_code == 428
    edited = loaded.put(url, json=changed, headers={"If-Match": etag})
    assert edited.status_code == 200 and edited.json[field] == value
    assert edited.headers["ETag"] != etag
    stale = loaded.put(url, json={**changed, field: read.json[field]}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.headers["Content-Type"] == "application/problem+json"
    assert loaded.get(url).json[field] == value
    assert loaded.get(url, headers={"If-None-Match": edited.headers["ETag"]}).status_code == 304


def test_a_channel_edit_relinks_its_sources_with_their_priorities(loaded: Api) -> None:
    read = loaded.get(f"{CHANNELS}/store")
    doc = {**read.json, "sources": ["WH-BER", {"source": "ST-MUC", "priority": 5}]}
    edited = loaded.put(f"{CHANNELS}/store", json=doc, headers={"If-Match": read.headers["ETag"]})
    assert edited.status_code == 200
    assert edited.json["sources"] == [{"source": "WH-BER", "priority": 0}, {"source": "ST-MUC", "priority": 5}]


def test_an_edit_names_every_invalid_field_and_keeps_the_item(loaded: Api) -> None:
    read = loaded.get(f"{CHANNELS}/web")
    bad = {**read.json, "strategy": "cheapest", "sources": ["NOWHERE"], "backorder_exception_days": -1}
    answer = loaded.put(f"{CHANNELS}/web", json=bad, headers={"If-Match": read.headers["ETag"]})
    assert answer.status_code == 422
    assert {"strategy", "backorder_exception_days"} <= {e["path"] for e in answer.json["errors"]}
    unknown = loaded.put(
        f"{CHANNELS}/web", json={**read.json, "sources": ["NOWHERE"]}, headers={"If-Match": read.headers["ETag"]}
    )
    assert unknown.status_code == 422 and "unknown source 'NOWHERE'" in unknown.json["detail"]
    assert loaded.get(f"{CHANNELS}/web").json == read.json


def test_an_item_is_not_renamed_through_its_url_and_a_missing_one_is_404(loaded: Api) -> None:
    read = loaded.get(f"{SOURCES}/WH-BER")
    renamed = loaded.put(f"{SOURCES}/WH-BER", json={**read.json, "code": "WH-XXX"}, headers={"If-Match": "*"})
    assert renamed.status_code == 422 and renamed.json["errors"][0]["path"] == "code"
    assert loaded.get(f"{SOURCES}/WH-XXX").status_code == 404
    assert loaded.put(f"{PRODUCTS}/NOPE", json={"sku": "NOPE"}, headers={"If-Match": "*"}).status_code == 404


def test_readers_read_merchants_write_and_a_key_limited_to_channels_edits_only_its_own(
    service: Service, loaded: Api
) -> None:
    support, readonly = service.as_role("support"), service.as_role("readonly")
    integration, anonymous = service.as_role("integration"), service.anonymous()
    web_merchant = service.as_role("merchant", ["web"])
    for reader in (support, readonly):
        assert reader.get(f"{SOURCES}/WH-BER").status_code == 200
        assert reader.put(f"{SOURCES}/WH-BER", json={}, headers={"If-Match": "*"}).status_code == 403
    assert integration.get(f"{SOURCES}/WH-BER").status_code == 403
    assert anonymous.get(SOURCES).status_code == 401
    assert anonymous.put(f"{SOURCES}/WH-BER", json={}).status_code == 401  # 401 before 428
    assert [c["code"] for c in web_merchant.get(CHANNELS).json["items"]] == ["web"]
    assert web_merchant.get(f"{CHANNELS}/store").status_code == 404
    assert web_merchant.put(f"{CHANNELS}/store", json={}, headers={"If-Match": "*"}).status_code == 404
    assert web_merchant.put(NETWORK, json=sample_network()).status_code == 403
    assert web_merchant.put(f"{SOURCES}/WH-BER", json={}, headers={"If-Match": "*"}).status_code == 403
    web = web_merchant.get(f"{CHANNELS}/web")
    renamed = web_merchant.put(
        f"{CHANNELS}/web", json={**web.json, "name": "W"}, headers={"If-Match": web.headers["ETag"]}
    )
    assert renamed.status_code == 200


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_two_edits_from_the_same_read_one_wins_the_other_is_412(kind: str, tmp_path: Path) -> None:
    with database(kind, tmp_path) as url:
        oms = Oms.connect(url, rules=DslRules())
        try:
            svc = Service(create_app({"OMS_DATABASE_URL": url}, oms=oms), oms)
            api = svc.as_role("merchant")
            assert api.put(NETWORK, json=sample_network()).status_code == 200
            read = api.get(f"{PRODUCTS}/MUG-SET")
            first = api.put(
                f"{PRODUCTS}/MUG-SET", json={**read.json, "tags": ["a"]}, headers={"If-Match": read.headers["ETag"]}
            )
            second = api.put(
                f"{PRODUCTS}/MUG-SET", json={**read.json, "tags": ["b"]}, headers={"If-Match": read.headers["ETag"]}
            )
            assert (first.status_code, second.status_code) == (200, 412)
            assert api.get(f"{PRODUCTS}/MUG-SET").json["tags"] == ["a"]
        finally:
            oms.db.dispose()


def test_a_network_that_names_a_product_or_channel_twice_is_refused_by_position(merchant: Api) -> None:
    doc = {
        "sources": sample_network()["sources"][:1],
        "products": [{"sku": "0"}, {"sku": "0"}],
        "channels": [{"code": "web"}, {"code": "app"}, {"code": "web"}],
    }
    answer = merchant.put(NETWORK, json=doc)
    assert answer.status_code == 422
    assert {e["path"] for e in answer.json["errors"]} == {"products[1].sku", "channels[2].code"}
