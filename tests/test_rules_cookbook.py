"""Each cookbook rule changes plans the way it says, on random networks and on a worked example."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules_dsl import load, load_file
from rules_dsl.cookbook import recipes
from sourcing_engine import NetworkIndex, Order, Plan, Product, source
from sourcing_engine.geo import haversine_km
from tests.rules_networks import network, order_line, ship_order, src

RUNS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RECIPES = recipes()
PRODUCTS = [
    Product("VASE", tags=frozenset({"fragile"})),
    Product("GAS", tags=frozenset({"hazardous"})),
    Product("TEE"),
]
BLACK_FRIDAY = datetime(2026, 11, 27, 12, tzinfo=UTC)


def rules(name: str):
    return load_file(RECIPES[name])


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[NetworkIndex, Order]:
    """A small network at German-ish coordinates, zero shipping costs (the rules decide), and one order."""
    sources = []
    for i in range(draw(st.integers(2, 6))):
        kind = draw(st.sampled_from(["warehouse", "warehouse", "store", "dropship"]))
        sources.append(
            src(
                f"S{i}",
                kind,
                priority=draw(st.sampled_from([1, 5, 12, 25])),
                lat=draw(st.floats(47.5, 54.5)),
                lon=draw(st.floats(6.0, 15.0)),
                country=draw(st.sampled_from(["DE", "DE", "AT"])),
                tags=tuple(draw(st.sets(st.sampled_from(["eu", "hazmat"])))),
                caps=("ship", "pickup") if kind == "store" else ("ship",),
                attributes={"at_capacity": draw(st.booleans()), "backlog_days": draw(st.integers(0, 4))},
            )
        )
    stock = {(s.code, sku): draw(st.integers(0, 6)) for s in sources for sku in ("VASE", "GAS", "TEE")}
    skus = draw(st.lists(st.sampled_from(["VASE", "GAS", "TEE"]), min_size=1, max_size=3, unique=True))
    lines = [
        order_line(
            str(i + 1),
            sku,
            draw(st.integers(1, 3)),
            draw(st.sampled_from([5.0, 15.0, 40.0, 400.0])),
            attributes={"preorder": draw(st.booleans())},
        )
        for i, sku in enumerate(skus)
    ]
    order = ship_order(
        lines,
        country=draw(st.sampled_from(["DE", "AT"])),
        lat=draw(st.floats(47.5, 54.5)),
        lon=draw(st.floats(6.0, 15.0)),
        channel=draw(st.sampled_from(["web", "marketplace"])),
        created_at=BLACK_FRIDAY + timedelta(days=draw(st.integers(-3, 5))),
        attributes={"vip": draw(st.booleans()), "gift": draw(st.booleans())},
    )
    return NetworkIndex(network(sources, stock, PRODUCTS)), order


def fresh(index: NetworkIndex) -> NetworkIndex:
    return NetworkIndex(index.network)


def with_and_without(name: str, index: NetworkIndex, order: Order) -> tuple[Plan, Plan]:
    return source(order, fresh(index), rules=rules(name)), source(order, fresh(index))


def sources_of(plan: Plan, index: NetworkIndex):
    return [index.sources[index.position[s.source]] for s in plan.physical_shipments]


def one_source_fills(index: NetworkIndex, order: Order, allowed) -> bool:
    """Whether some allowed source alone holds every line's full quantity."""
    return any(
        allowed(s) and all(index.available(line.sku)[i] >= line.quantity for line in order.lines)
        for i, s in enumerate(index.sources)
    )


@RUNS
@given(scenarios())
def test_closest_source_ships_from_nearby_when_a_nearby_source_can(scenario):
    index, order = scenario
    plan, plain = with_and_without("closest_source", index, order)
    assert plan.filled_units == plain.filled_units
    distance = dict(zip(index.codes, _distances(index, order), strict=True))
    if one_source_fills(index, order, lambda s: distance[s.code] <= 100):
        assert all(s.distance_km <= 100 for s in plan.physical_shipments)


def _distances(index: NetworkIndex, order: Order) -> np.ndarray:
    return haversine_km(order.delivery.address.lat, order.delivery.address.lon, index.lat, index.lon)


@RUNS
@given(scenarios())
def test_minimize_splits_never_splits_more_than_without_it(scenario):
    index, order = scenario
    plan, plain = with_and_without("minimize_splits", index, order)
    assert plan.filled_units == plain.filled_units
    assert len(plan.physical_shipments) <= len(plain.physical_shipments)


@RUNS
@given(scenarios())
def test_stay_in_market_ships_only_from_the_customers_country(scenario):
    index, order = scenario
    plan, _ = with_and_without("stay_in_market", index, order)
    assert all(s.location.country == order.delivery.address.country for s in sources_of(plan, index))


@RUNS
@given(scenarios())
def test_ranked_locations_use_tier_one_when_it_can_fill(scenario):
    index, order = scenario
    plan, plain = with_and_without("ranked_locations", index, order)
    assert plan.filled_units == plain.filled_units
    if one_source_fills(index, order, lambda s: s.priority < 10):
        assert all(s.priority < 10 for s in sources_of(plan, index))


@RUNS
@given(scenarios())
def test_stores_keep_their_last_three_units(scenario):
    index, order = scenario
    plan, _ = with_and_without("keep_store_stock", index, order)
    for shipment in plan.physical_shipments:
        pos = index.position[shipment.source]
        if index.sources[pos].type == "store":
            assert all(index.available(line.sku)[pos] > 3 for line in shipment.lines)


@RUNS
@given(scenarios())
def test_orders_under_50_ship_in_one_parcel(scenario):
    index, order = scenario
    plan, _ = with_and_without("split_value_threshold", index, order)
    if order.total < 50:
        assert len(plan.physical_shipments) <= 1


@RUNS
@given(scenarios())
def test_sources_at_capacity_take_no_new_orders(scenario):
    index, order = scenario
    plan, _ = with_and_without("capacity", index, order)
    assert not any(s.attributes["at_capacity"] for s in sources_of(plan, index))


@RUNS
@given(scenarios())
def test_no_fragile_line_ever_leaves_a_store(scenario):
    index, order = scenario
    plan, _ = with_and_without("fragile", index, order)
    for shipment in plan.physical_shipments:
        if index.sources[index.position[shipment.source]].type == "store":
            assert not {line.sku for line in shipment.lines} & {"VASE"}


@RUNS
@given(scenarios())
def test_hazardous_goods_ship_from_certified_warehouses_only(scenario):
    index, order = scenario
    plan, _ = with_and_without("hazardous", index, order)
    for shipment in plan.physical_shipments:
        if any(line.sku == "GAS" for line in shipment.lines):
            s = index.sources[index.position[shipment.source]]
            assert s.type == "warehouse" and "hazmat" in s.tags


@RUNS
@given(scenarios())
def test_vip_orders_ship_in_one_parcel_never_from_a_drop_shipper(scenario):
    index, order = scenario
    plan, _ = with_and_without("vip", index, order)
    if order.attributes["vip"]:
        assert len(plan.physical_shipments) <= 1
        assert all(s.type != "dropship" for s in sources_of(plan, index))


@RUNS
@given(scenarios())
def test_drop_shippers_only_fill_what_others_cannot(scenario):
    index, order = scenario
    plan, plain = with_and_without("dropship_last_resort", index, order)
    assert plan.filled_units == plain.filled_units
    net = fresh(index)
    no_drop = load('ruleset "x" version 1\nrule "x"\n  exclude source where source.type == "dropship"\n')
    if source(order, net, rules=no_drop).filled_units == plan.filled_units:
        assert all(s.type != "dropship" for s in sources_of(plan, index))


@RUNS
@given(scenarios())
def test_german_orders_ship_from_eu_sources(scenario):
    index, order = scenario
    plan, _ = with_and_without("eu_only", index, order)
    if order.delivery.address.country == "DE":
        assert all("eu" in s.tags for s in sources_of(plan, index))


@RUNS
@given(scenarios())
def test_large_marketplace_orders_wait_for_review(scenario):
    index, order = scenario
    plan, _ = with_and_without("fraud_review", index, order)
    review = order.channel == "marketplace" and order.total >= 1000
    assert (plan.hold == "manual fraud review") == review
    if review:
        assert plan.shipments == [] and all(u.reason == "on_hold" for u in plan.unsourced)


@RUNS
@given(scenarios())
def test_preordered_lines_wait_for_stock_instead_of_failing(scenario):
    index, order = scenario
    plan, _ = with_and_without("preorders", index, order)
    preordered = {line.id for line in order.lines if line.attributes["preorder"]}
    assert not {u.line_id for u in plan.unsourced} & preordered


@RUNS
@given(scenarios())
def test_gift_orders_ship_complete_or_not_at_all(scenario):
    index, order = scenario
    plan, _ = with_and_without("gift_complete", index, order)
    if order.attributes["gift"] and (plan.backorders or plan.unsourced):
        assert plan.shipments == []
        assert {u.reason for u in plan.unsourced} == {"waiting_for_complete"}
