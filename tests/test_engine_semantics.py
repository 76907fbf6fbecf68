"""Worked examples of the contract's semantics, Magento's baselines among them."""

from __future__ import annotations

import numpy as np
import pytest

from sourcing_engine import (
    Costs,
    Delivery,
    Directives,
    InputError,
    Location,
    Network,
    NetworkIndex,
    Order,
    OrderLine,
    Product,
    Settings,
    Source,
    SourceFilter,
    StockRow,
    source,
    source_stream,
)
from sourcing_engine.geo import distance_km

MUNICH = Location(48.14, 11.58)
BERLIN = Location(52.52, 13.40)
HAMBURG = Location(53.55, 9.99)
FLAT = Costs(fixed=5.0, per_km=0.0, per_unit=0.0)


def src(code: str, priority: int = 0, at: Location = BERLIN, **kw) -> Source:
    return Source(code=code, location=at, priority=priority, costs=kw.pop("costs", FLAT), **kw)


def order(*lines: OrderLine, to: Location = MUNICH, oid: str = "ORD-1") -> Order:
    return Order(oid, Delivery("ship", address=to), tuple(lines))


def line(lid: str, sku: str, qty: int, **kw) -> OrderLine:
    return OrderLine(lid, sku, qty, **kw)


def shipped(plan) -> dict[tuple[str, str], int]:
    return {(s.source, ln.line_id): ln.quantity for s in plan.shipments for ln in s.lines}


# Magento MSI's Source Priority algorithm


def test_priority_takes_five_then_three_for_an_order_of_eight() -> None:
    net = Network([src("S1", 1), src("S2", 2)], [], [StockRow("S1", "A", 5), StockRow("S2", "A", 3)])
    plan = source(order(line("1", "A", 8)), net, "priority")
    assert shipped(plan) == {("S1", "1"): 5, ("S2", "1"): 3}
    assert plan.backorders == [] and plan.unsourced == []


def test_priority_skips_a_disabled_source() -> None:
    net = Network([src("S1", 1, enabled=False), src("S2", 2)], [], [StockRow("S1", "A", 9), StockRow("S2", "A", 9)])
    plan = source(order(line("1", "A", 4)), net, "priority")
    assert shipped(plan) == {("S2", "1"): 4}


def test_priority_breaks_equal_priorities_by_source_code() -> None:
    net = Network([src("S-B", 1), src("S-A", 1)], [], [StockRow("S-A", "A", 2), StockRow("S-B", "A", 2)])
    assert shipped(source(order(line("1", "A", 3)), net, "priority")) == {("S-A", "1"): 2, ("S-B", "1"): 1}


def test_distance_walks_sources_nearest_first() -> None:
    net = Network(
        [src("FAR", 1, at=HAMBURG), src("NEAR", 9, at=MUNICH)], [], [StockRow("FAR", "A", 5), StockRow("NEAR", "A", 2)]
    )
    assert shipped(source(order(line("1", "A", 4)), net, "distance")) == {("NEAR", "1"): 2, ("FAR", "1"): 2}


def test_a_greedy_ships_a_bundle_whole_from_the_first_source_that_has_all_of_it() -> None:
    net = Network(
        [src("S1", 1), src("S2", 2)],
        [],
        [StockRow("S1", "A", 5), StockRow("S2", "A", 1), StockRow("S2", "B", 1)],
    )
    plan = source(order(line("1", "A", 1, bundle="K"), line("2", "B", 1, bundle="K")), net, "priority")
    assert shipped(plan) == {("S2", "1"): 1, ("S2", "2"): 1}


# The optimal strategy


def test_optimal_consolidates_where_priority_splits() -> None:
    net = Network(
        [src("S1", 1), src("S2", 2), src("S3", 3)],
        [],
        [StockRow("S1", "A", 1), StockRow("S2", "B", 1), StockRow("S3", "A", 1), StockRow("S3", "B", 1)],
    )
    o = order(line("1", "A", 1), line("2", "B", 1))
    greedy, best = source(o, net, "priority"), source(o, net)
    assert len(greedy.shipments) == 2 and greedy.total_cost == pytest.approx(10.0)
    assert shipped(best) == {("S3", "1"): 1, ("S3", "2"): 1} and best.total_cost == pytest.approx(5.0)
    assert best.optimal


def test_optimal_fills_more_than_priority_when_a_greedy_choice_strands_a_bundle() -> None:
    # Priority sends line 1 to S1, which then lacks the A the bundle needs there.
    net = Network(
        [src("S1", 1), src("S2", 2)],
        [],
        [StockRow("S1", "A", 1), StockRow("S1", "B", 1), StockRow("S2", "A", 1)],
    )
    o = order(line("1", "A", 1), line("2", "A", 1, bundle="K"), line("3", "B", 1, bundle="K"))
    assert source(o, net, "priority").filled_units == 1
    best = source(o, net)
    assert best.filled_units == 3
    assert shipped(best) == {("S2", "1"): 1, ("S1", "2"): 1, ("S1", "3"): 1}


def test_a_shipment_costs_fixed_plus_distance_plus_units() -> None:
    costs = Costs(fixed=4.5, per_km=0.002, per_unit=0.25)
    net = Network([src("WH", 1, at=BERLIN, costs=costs)], [], [StockRow("WH", "A", 10)])
    plan = source(order(line("1", "A", 2)), net)
    km = distance_km(BERLIN.lat, BERLIN.lon, MUNICH.lat, MUNICH.lon)
    assert plan.total_cost == pytest.approx(4.5 + 0.002 * km + 0.25 * 2)
    assert plan.shipments[0].distance_km == pytest.approx(km)


def test_equal_costs_are_broken_by_fewer_shipments_then_priority() -> None:
    free = Costs()
    net = Network(
        [src("S2", 2, costs=free), src("S1", 1, costs=free)], [], [StockRow("S1", "A", 4), StockRow("S2", "A", 4)]
    )
    assert shipped(source(order(line("1", "A", 3)), net)) == {("S1", "1"): 3}


# Stock, availability and shortfalls


def test_available_is_on_hand_less_reserved_less_safety_stock() -> None:
    net = Network([src("S1")], [], [StockRow("S1", "A", on_hand=10, reserved=2, safety_stock=1)])
    plan = source(order(line("1", "A", 9)), net)
    assert shipped(plan) == {("S1", "1"): 7}
    assert [(u.quantity, u.reason) for u in plan.unsourced] == [(2, "out_of_stock")]


def test_unlimited_stock_and_unmanaged_products_never_run_out() -> None:
    net = Network(
        [src("S1"), src("S2")],
        [Product("FREE", manage_stock=False)],
        [StockRow("S1", "A", 0, unlimited=True)],
    )
    plan = source(order(line("1", "A", 500), line("2", "FREE", 300)), net)
    assert plan.filled_units == 800 and not plan.unsourced


def test_an_unknown_sku_is_out_of_stock_not_an_error() -> None:
    plan = source(order(line("1", "NOPE", 1)), Network([src("S1")], [], []))
    assert [(u.line_id, u.reason) for u in plan.unsourced] == [("1", "out_of_stock")]


def test_shortfall_is_backordered_when_the_line_or_product_allows_it() -> None:
    net = Network([src("S1")], [Product("B", backorders=True)], [StockRow("S1", "A", 1), StockRow("S1", "B", 1)])
    plan = source(order(line("1", "A", 3, allow_backorder=True), line("2", "B", 2), line("3", "A", 1)), net)
    assert sorted((b.line_id, b.quantity) for b in plan.backorders) == [("1", 2), ("2", 1)]
    assert [(u.line_id, u.reason) for u in plan.unsourced] == [("3", "out_of_stock")]


def test_a_line_can_refuse_a_backorder_its_product_allows() -> None:
    net = Network([src("S1")], [Product("B", backorders=True)], [])
    plan = source(order(line("1", "B", 2, allow_backorder=False)), net)
    assert plan.backorders == [] and plan.unsourced[0].quantity == 2


def test_a_bundle_no_single_source_holds_is_unsourced_with_that_reason() -> None:
    net = Network([src("S1"), src("S2")], [], [StockRow("S1", "A", 1), StockRow("S2", "B", 1)])
    plan = source(order(line("1", "A", 1, bundle="K"), line("2", "B", 1, bundle="K")), net)
    assert plan.shipments == []
    assert {u.reason for u in plan.unsourced} == {"bundle_not_in_one_source"}


def test_a_bundle_is_backorderable_only_if_all_its_lines_are() -> None:
    net = Network([src("S1")], [], [])
    lines = (line("1", "A", 1, bundle="K", allow_backorder=True), line("2", "B", 1, bundle="K"))
    plan = source(order(*lines), net)
    assert plan.backorders == [] and len(plan.unsourced) == 2


def test_no_source_able_to_ship_means_no_eligible_source() -> None:
    net = Network([src("S1", capabilities=frozenset({"pickup"}))], [], [StockRow("S1", "A", 5)])
    plan = source(order(line("1", "A", 1)), net)
    assert plan.unsourced[0].reason == "no_eligible_source"


# Pickup in store and ship to store


def stores_network() -> Network:
    return Network(
        [
            src("ST", 5, at=MUNICH, capabilities=frozenset({"ship", "pickup"}), costs=Costs(3, 0.01, 1.0)),
            src("WH", 1, at=BERLIN, capabilities=frozenset({"ship", "ship_to_store"}), costs=Costs(4, 0.002, 0.2)),
            src("DS", 2, at=HAMBURG, capabilities=frozenset({"ship"})),
        ],
        [],
        [StockRow("ST", "A", 1), StockRow("WH", "A", 5), StockRow("DS", "A", 9), StockRow("WH", "B", 1)],
    )


def test_a_pickup_order_takes_the_stores_own_stock_first_and_the_rest_by_ship_to_store() -> None:
    o = Order("P1", Delivery("pickup", pickup_source="ST"), (line("1", "A", 3), line("2", "B", 1)))
    plan = source(o, stores_network())
    kinds = {(s.source, s.kind, s.destination) for s in plan.shipments}
    assert kinds == {("ST", "pickup", "ST"), ("WH", "ship_to_store", "ST")}
    assert shipped(plan) == {("ST", "1"): 1, ("WH", "1"): 2, ("WH", "2"): 1}
    pickup = next(s for s in plan.shipments if s.kind == "pickup")
    assert pickup.cost == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("store", "message"), [("NOPE", "unknown source 'NOPE'"), ("WH", "source 'WH' does not offer pickup")]
)
def test_a_pickup_at_an_unknown_or_non_pickup_source_is_an_input_error(store: str, message: str) -> None:
    o = Order("P1", Delivery("pickup", pickup_source=store), (line("1", "A", 1),))
    with pytest.raises(InputError) as err:
        source(o, stores_network())
    assert err.value.path == "delivery.pickup_source" and err.value.message == message


# Virtual and pre-shipped lines


def test_virtual_lines_go_in_a_free_virtual_shipment_and_never_count_as_a_split() -> None:
    net = Network(
        [src("S1", 1), src("S2", 2)],
        [Product("GIFT", type="virtual", manage_stock=False), Product("KEY", type="virtual")],
        [StockRow("S2", "GIFT", 0, unlimited=True), StockRow("S2", "KEY", 3), StockRow("S1", "A", 1)],
    )
    plan = source(order(line("1", "GIFT", 2), line("2", "KEY", 2), line("3", "A", 1)), net)
    virtual = [s for s in plan.shipments if s.kind == "virtual"]
    assert [(s.source, s.cost) for s in virtual] == [("S2", 0.0)]
    assert len(plan.physical_shipments) == 1


def test_an_unmanaged_virtual_line_without_an_unlimited_source_goes_to_the_highest_priority_source() -> None:
    net = Network(
        [src("S2", 2), src("S1", 1), src("S0", 0, enabled=False)],
        [Product("GIFT", type="virtual", manage_stock=False)],
        [],
    )
    plan = source(order(line("1", "GIFT", 1)), net)
    assert [(s.source, s.kind) for s in plan.shipments] == [("S1", "virtual")]


def test_a_preshipped_line_is_recorded_at_its_source_for_free_and_takes_no_stock() -> None:
    net = Network([src("ST"), src("WH")], [], [StockRow("ST", "A", 1)])
    o = order(line("1", "A", 1, preshipped_source="ST"), line("2", "A", 1))
    plans = list(source_stream([o, order(line("1", "A", 1), oid="ORD-2")], net))
    pre = next(s for s in plans[0].shipments if s.kind == "preshipped")
    assert (pre.source, pre.cost) == ("ST", 0.0)
    assert shipped(plans[0])[("ST", "2")] == 1
    assert plans[1].filled_units == 0  # line 2 of the first order took the last A


def test_a_stream_deducts_what_each_plan_takes() -> None:
    index = NetworkIndex(Network([src("S1")], [], [StockRow("S1", "A", 3)]))
    plans = list(source_stream([order(line("1", "A", 2), oid=f"O{i}") for i in range(3)], index))
    assert [p.filled_units for p in plans] == [2, 1, 0]


# Directives: what rules and the OMS ask of the engine


def two_sources() -> Network:
    return Network(
        [src("S1", 1), src("S2", 2)], [], [StockRow("S1", "A", 5), StockRow("S2", "A", 5), StockRow("S2", "B", 5)]
    )


def test_an_exclusion_that_leaves_no_source_names_the_rule() -> None:
    rule = SourceFilter(np.array([True, True]), rule="Never from here")
    plan = source(order(line("1", "A", 1)), two_sources(), directives=Directives(excludes=[rule]))
    assert [(u.reason, u.rules) for u in plan.unsourced] == [("excluded_by_rule", ("Never from here",))]


def test_only_keeps_lines_to_the_given_sources() -> None:
    only = SourceFilter(np.array([False, True]), rule="S2 only", lines=frozenset({"1"}))
    plan = source(order(line("1", "A", 1)), two_sources(), "priority", directives=Directives(onlys=[only]))
    assert shipped(plan) == {("S2", "1"): 1}


def test_max_shipments_caps_the_split_and_says_why() -> None:
    net = Network([src("S1"), src("S2")], [], [StockRow("S1", "A", 1), StockRow("S2", "A", 1)])
    plan = source(order(line("1", "A", 2)), net, directives=Directives(settings=Settings(max_shipments=1)))
    assert plan.filled_units == 1 and plan.unsourced[0].reason == "shipment_limit"


def test_partial_hold_keeps_the_whole_order_waiting() -> None:
    plan = source(
        order(line("1", "A", 1), line("2", "C", 1)),
        two_sources(),
        directives=Directives(settings=Settings(partial="hold")),
    )
    assert plan.shipments == []
    assert {u.reason for u in plan.unsourced} == {"waiting_for_complete"}


def test_a_hold_sources_nothing_and_keeps_the_reason() -> None:
    plan = source(order(line("1", "A", 1)), two_sources(), directives=Directives(hold="fraud check"))
    assert plan.hold == "fraud check" and plan.shipments == []
    assert plan.unsourced[0].reason == "on_hold"


def test_a_bundle_may_split_after_the_allowed_number_of_attempts() -> None:
    net = Network([src("S1"), src("S2")], [], [StockRow("S1", "A", 1), StockRow("S2", "B", 1)])
    o = order(line("1", "A", 1, bundle="K"), line("2", "B", 1, bundle="K"))
    rules = Directives(settings=Settings(bundle_split_after=2))
    assert source(o, net, directives=rules, attempt=1).filled_units == 0
    assert source(o, net, directives=rules, attempt=2).filled_units == 2


def test_combining_directives_keeps_the_settings_the_second_does_not_change() -> None:
    oms = Directives(settings=Settings(max_shipments=2, partial="hold"))
    rules = Directives(settings=Settings(split_penalty=5.0, partial="ship"))
    both = oms.combined(rules)
    assert both.settings == Settings(max_shipments=2, split_penalty=5.0, partial="hold")
