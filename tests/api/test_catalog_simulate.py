"""Sourcing simulations over HTTP: the plan an order would get, against the stored or the given network and
rules, with nothing placed or reserved."""
# ruff: noqa: F401, F811 (the catalog fixtures are imported by name)

from __future__ import annotations

from tests.api.catalog_fixtures import (
    MISSPELT,
    NO_VIENNA,
    Api,
    Service,
    loaded,
    merchant,
    sample_network,
    sample_order,
    service,
)

SIMULATE = "/v1/sourcing/simulate"


def test_a_simulation_plans_against_the_stored_network_and_reserves_nothing(service: Service, loaded: Api) -> None:
    admin = service.as_role("admin")
    stock_before = admin.get("/v1/stock?sku=TSHIRT-M").json
    order = sample_order()
    plan = loaded.post(SIMULATE, json={"order": order})
    assert plan.status_code == 200
    assert plan.json["order_id"] == "ORD-1001" and plan.json["strategy"] == "optimal"
    shipped = {(ln["line_id"], ln["quantity"]) for s in plan.json["shipments"] for ln in s["lines"]}
    assert shipped == {(line["id"], line["quantity"]) for line in order["lines"]}
    assert loaded.post(SIMULATE, json={"order": order}).json == plan.json  # nothing was taken by the first one
    assert admin.get("/v1/stock?sku=TSHIRT-M").json == stock_before
    assert admin.get("/v1/orders").json["items"] == []


def test_a_simulation_with_rules_text_plans_as_if_they_were_active(loaded: Api) -> None:
    order = sample_order()
    plain = loaded.post(SIMULATE, json={"order": order}).json
    ruled = loaded.post(SIMULATE, json={"order": order, "rules": NO_VIENNA, "strategy": "priority"})
    assert ruled.status_code == 200 and ruled.json["strategy"] == "priority"
    assert {s["source"] for s in plain["shipments"]} == {"WH-VIE"}
    assert "WH-VIE" not in {s["source"] for s in ruled.json["shipments"]}
    assert loaded.get("/v1/channels/web/rulesets").json["versions"] == []


def test_a_simulation_against_a_given_network_needs_no_stored_one(merchant: Api) -> None:
    network = sample_network()
    engine_network = {k: network[k] for k in ("sources", "products", "stock")}
    plan = merchant.post(SIMULATE, json={"order": sample_order(), "network": engine_network})
    assert plan.status_code == 200 and plan.json["shipments"]
    unknown_channel = merchant.post(SIMULATE, json={"order": sample_order()})
    assert unknown_channel.status_code == 422
    assert unknown_channel.json["errors"][0]["path"] == "order.channel"


def test_a_simulation_names_every_invalid_field_of_order_rules_network_and_strategy(loaded: Api) -> None:
    order = {**sample_order(), "lines": [{"id": "1", "sku": "TSHIRT-M", "quantity": 0}]}
    answer = loaded.post(
        SIMULATE, json={"order": order, "rules": MISSPELT, "network": {"sources": "x"}, "strategy": "cheapest"}
    )
    assert answer.status_code == 422 and answer.headers["Content-Type"] == "application/problem+json"
    by_path = {e["path"]: e["message"] for e in answer.json["errors"]}
    assert by_path["order.lines[0].quantity"] == "must be a positive integer"
    assert by_path["rules"].startswith("rules:4:24: unknown field 'source.typ'")
    assert {"network.sources", "strategy"} <= set(by_path)
    assert loaded.post(SIMULATE, json={"order": sample_order(), "extra": 1}).json["errors"][0]["path"] == "extra"
    assert loaded.post(SIMULATE, json={}).json["errors"][0]["path"] == "order"


def test_a_pickup_simulation_checks_the_store_against_the_channel(loaded: Api) -> None:
    pickup = sample_order(3)
    assert loaded.post(SIMULATE, json={"order": pickup}).status_code == 200
    elsewhere = {**pickup, "delivery": {"method": "pickup", "pickup_source": "NOWHERE"}}
    answer = loaded.post(SIMULATE, json={"order": elsewhere})
    assert answer.status_code == 422 and answer.json["errors"][0]["path"] == "order.delivery.pickup_source"


def test_only_merchants_simulate_and_only_for_the_channels_their_key_sees(service: Service, loaded: Api) -> None:
    assert service.as_role("support").post(SIMULATE, json={"order": sample_order()}).status_code == 403
    assert service.as_role("integration").post(SIMULATE, json={"order": sample_order()}).status_code == 403
    assert service.anonymous().post(SIMULATE, json={"order": sample_order()}).status_code == 401
    store_only = service.as_role("merchant", ["store"])
    assert store_only.post(SIMULATE, json={"order": sample_order()}).status_code == 404
    assert store_only.post(SIMULATE, json={"order": sample_order(3)}).status_code == 200
