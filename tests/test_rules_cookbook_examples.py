"""Worked examples: the same order without and with each cookbook rule; the docs show the cookbook as it is."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from rules_dsl import diagnose, load_file
from rules_dsl.cookbook import recipes
from sourcing_engine import Costs, Delivery, NetworkIndex, Order, Product, source
from tests.rules_networks import network, order_line, ship_order, shipped, src

RECIPES = recipes()
DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
PRODUCTS = [
    Product("VASE", tags=frozenset({"fragile"})),
    Product("GAS", tags=frozenset({"hazardous"})),
    Product("TEE"),
]


def rules(name: str):
    return load_file(RECIPES[name])


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
    docs = DOCS.read_text(encoding="utf-8")
    blocks = [part.split("```", 1)[0] for part in docs.split("```rules\n")[1:]]
    assert len(blocks) >= 13
    for block in blocks:
        assert diagnose(block)[1] == [], block
