"""Each cookbook rule changes plans the way it says, on random networks and on a worked example."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules_dsl import load, load_file
from rules_dsl.cookbook import recipes
from sourcing_engine import Costs, Delivery, NetworkIndex, Order, Plan, Product, source
from sourcing_engine.geo import haversine_km
from tests.rules_support import network, order_line, ship_order, shipped, src

RUNS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RECIPES = recipes()
DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
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


def test_bundles_split_after_two_attempts():
    stock = {("S0", "VASE"): 1, ("S1", "TEE"): 1}
    index = NetworkIndex(network([src("S0"), src("S1")], stock, PRODUCTS))
    order = ship_order([order_line("1", "VASE", bundle="K"), order_line("2", "TEE", bundle="K")])
    first = source(order, index, rules=rules("bundle_split"), attempt=1)
    assert {u.reason for u in first.unsourced} == {"bundle_not_in_one_source"}
    third = source(order, index, rules=rules("bundle_split"), attempt=2)
    assert shipped(third) == {"1": "S0", "2": "S1"}


@pytest.mark.parametrize(("day", "expected"), [(26, "WH-BER"), (27, "WH-HAM"), (30, "WH-HAM")])
def test_black_friday_load_moves_away_from_berlin(day, expected):
    sources = [src("WH-BER", priority=1, lat=52.0), src("WH-HAM", priority=2, lat=52.0)]
    index = NetworkIndex(network(sources, {("WH-BER", "TEE"): 5, ("WH-HAM", "TEE"): 5}, PRODUCTS))
    created = datetime(2026, 11, day, 18, tzinfo=UTC)
    plan = source(ship_order([order_line("1", "TEE")], created_at=created), index, rules=rules("peak_season"))
    assert shipped(plan) == {"1": expected}
    after = ship_order([order_line("1", "TEE")], created_at=datetime(2026, 12, 1, 0, 30, tzinfo=UTC))
    assert shipped(source(after, index, rules=rules("peak_season"))) == {"1": "WH-BER"}


# ---- worked examples: the same order, without and with the rule -------------------


BERLIN, LEIPZIG, VIENNA, PASSAU = (52.52, 13.40), (51.34, 12.37), (48.21, 16.37), (48.57, 13.43)


def _example_network() -> NetworkIndex:
    """A Berlin store at capacity, a tier-2 warehouse in Leipzig, a drop-shipper in Vienna; cost by distance."""
    by_km = Costs(per_km=0.01)
    sources = [
        src(
            "ST-NEAR",
            "store",
            1,
            *BERLIN,
            tags=("eu",),
            caps=("ship", "pickup"),
            attributes={"at_capacity": True},
            costs=by_km,
        ),
        src("WH-MID", "warehouse", 12, *LEIPZIG, tags=("eu", "hazmat"), costs=by_km),
        src("DS-AT", "dropship", 2, *VIENNA, "AT", costs=by_km),
    ]
    stock = {(code, sku): 2 for code in ("ST-NEAR", "WH-MID", "DS-AT") for sku in ("VASE", "GAS", "TEE")}
    return NetworkIndex(network(sources, stock, PRODUCTS))


def _order_to(place: tuple[float, float], sku: str, qty: int = 1, country: str = "DE") -> Order:
    return ship_order([order_line("1", sku, qty, 60.0)], country=country, lat=place[0], lon=place[1])


@pytest.mark.parametrize(
    ("recipe", "order", "without", "with_"),
    [
        ("fragile", _order_to(BERLIN, "VASE"), "ST-NEAR", "WH-MID"),
        ("hazardous", _order_to(BERLIN, "GAS"), "ST-NEAR", "WH-MID"),
        ("capacity", _order_to(BERLIN, "TEE"), "ST-NEAR", "WH-MID"),
        ("keep_store_stock", _order_to(BERLIN, "TEE"), "ST-NEAR", "WH-MID"),
        ("ranked_locations", _order_to(LEIPZIG, "TEE"), "WH-MID", "ST-NEAR"),
        ("stay_in_market", _order_to(PASSAU, "TEE"), "DS-AT", "WH-MID"),
        ("dropship_last_resort", _order_to(VIENNA, "TEE", country="AT"), "DS-AT", "WH-MID"),
        ("eu_only", _order_to(PASSAU, "TEE"), "DS-AT", "WH-MID"),
    ],
)
def test_the_rule_changes_this_plan_the_way_it_says(recipe, order, without, with_):
    index = _example_network()
    assert set(shipped(source(order, index)).values()) == {without}
    assert set(shipped(source(order, index, rules=rules(recipe))).values()) == {with_}


def test_the_closest_source_wins_over_a_cheaper_far_one():
    sources = [src("WH-NEAR", lat=52.5, costs=Costs(fixed=2.0)), src("WH-FAR", lat=48.1, costs=Costs(fixed=1.0))]
    index = NetworkIndex(network(sources, {("WH-NEAR", "TEE"): 1, ("WH-FAR", "TEE"): 1}, PRODUCTS))
    order = _order_to(BERLIN, "TEE")
    assert shipped(source(order, index)) == {"1": "WH-FAR"}
    assert shipped(source(order, index, rules=rules("closest_source"))) == {"1": "WH-NEAR"}


def test_the_customers_country_rule_leaves_a_line_unsourced_rather_than_cross_a_border():
    index = _example_network()
    index.take([("DS-AT", "TEE", 2)])  # nothing left in Austria
    plan = source(_order_to(VIENNA, "TEE", country="AT"), index, rules=rules("stay_in_market"))
    assert [(u.quantity, u.reason, u.rules) for u in plan.unsourced] == [
        (1, "excluded_by_rule", ("Ship from the customer's country",))
    ]


def test_a_vip_order_ships_in_one_parcel_where_two_would_cost_less():
    costs = Costs(fixed=1.0, per_km=0.01)
    sources = [
        src("ST-A", "store", 1, 52.52, 13.40, costs=costs),
        src("ST-B", "store", 2, 52.50, 13.45, costs=costs),
        src("WH-FAR", "warehouse", 3, 48.14, 11.58, costs=costs),
    ]
    stock = {("ST-A", "VASE"): 2, ("ST-B", "TEE"): 2, ("WH-FAR", "VASE"): 2, ("WH-FAR", "TEE"): 2}
    index = NetworkIndex(network(sources, stock, PRODUCTS))
    order = ship_order([order_line("1", "VASE"), order_line("2", "TEE")], attributes={"vip": True})
    assert shipped(source(order, index)) == {"1": "ST-A", "2": "ST-B"}
    assert shipped(source(order, index, rules=rules("vip"))) == {"1": "WH-FAR", "2": "WH-FAR"}


def test_the_documentation_shows_every_cookbook_file_as_it_is():
    docs = DOCS.read_text(encoding="utf-8")
    for name, path in RECIPES.items():
        assert path.read_text(encoding="utf-8").strip() in docs, name
    assert len(RECIPES) >= 12


def test_a_pickup_order_stays_in_the_market_of_its_pickup_store():
    sources = [
        src("ST-BER", "store", 1, 52.52, 13.40, caps=("ship", "pickup")),
        src("WH-PRG", "warehouse", 2, 50.08, 14.43, "CZ", caps=("ship", "ship_to_store")),
        src("WH-MUC", "warehouse", 3, 48.14, 11.58, caps=("ship", "ship_to_store")),
    ]
    costs_by_distance = [s.__class__(**{**_fields(s), "costs": Costs(per_km=0.01)}) for s in sources]
    index = NetworkIndex(network(costs_by_distance, {("WH-PRG", "TEE"): 3, ("WH-MUC", "TEE"): 3}, PRODUCTS))
    order = Order("P", Delivery("pickup", pickup_source="ST-BER"), (order_line("1", "TEE"),))
    assert shipped(source(order, index)) == {"1": "WH-PRG"}
    assert shipped(source(order, index, rules=rules("stay_in_market"))) == {"1": "WH-MUC"}


def _fields(obj) -> dict:
    return {name: getattr(obj, name) for name in obj.__slots__}


def test_every_example_in_the_documentation_is_valid():
    from rules_dsl import diagnose

    docs = DOCS.read_text(encoding="utf-8")
    blocks = [part.split("```", 1)[0] for part in docs.split("```rules\n")[1:]]
    assert len(blocks) >= 13
    for block in blocks:
        assert diagnose(block)[1] == [], block
