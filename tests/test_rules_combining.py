"""How rules combine and reach the plan: scope, exclude/only, costs, settings, hold, backorder, explanations."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from rules_dsl import format_ruleset, load
from sourcing_engine import Delivery, NetworkIndex, Order, Product, source
from sourcing_engine.rules_bridge import directives_for, order_facts, verdict_for
from tests.rules_networks import network, order_line, ship_order, shipped, src

WAREHOUSES_AND_STORE = [
    src("WH-A", "warehouse", 1, tags=("eu",)),
    src("WH-B", "warehouse", 2, tags=("eu",)),
    src("ST-C", "store", 3, tags=("eu", "city")),
    src("DS-D", "dropship", 4),
]
EVERYWHERE = {(code, sku): 10 for code in ("WH-A", "WH-B", "ST-C", "DS-D") for sku in ("VASE", "TEE")}
PRODUCTS = [Product("VASE", tags=frozenset({"fragile"})), Product("TEE")]


def rules(body: str, header: str = 'ruleset "t" version 1\n'):
    return load(header + body)


def plan_with(body: str, order=None, stock=None, products=PRODUCTS, **options):
    net = NetworkIndex(network(WAREHOUSES_AND_STORE, stock or EVERYWHERE, products))
    order = order or ship_order([order_line("1", "VASE"), order_line("2", "TEE")])
    return source(order, net, rules=rules(body), **options)


def test_excluded_sets_are_united():
    plan = plan_with(
        'rule "no A"\n  exclude source where source.code == "WH-A"\n'
        'rule "no B"\n  exclude source where source.code == "WH-B"\n'
        'rule "no drop-shippers"\n  exclude source where source.type == "dropship"\n'
    )
    assert set(shipped(plan).values()) == {"ST-C"}


def test_only_sets_are_intersected_and_an_empty_intersection_names_both_rules():
    plan = plan_with(
        'rule "EU only"\n  only source where "eu" in source.tags\n'
        'rule "city only"\n  only source where "city" in source.tags\n'
    )
    assert set(shipped(plan).values()) == {"ST-C"}
    plan = plan_with(
        'rule "warehouses only"\n  only source where source.type == "warehouse"\n'
        'rule "drop-shippers only"\n  only source where source.type == "dropship"\n'
    )
    assert plan.shipments == []
    assert {(u.line_id, u.reason) for u in plan.unsourced} == {("1", "excluded_by_rule"), ("2", "excluded_by_rule")}
    assert set(plan.unsourced[0].rules) == {"warehouses only", "drop-shippers only"}


def test_a_rule_whose_condition_reads_the_line_acts_on_the_matching_lines_only():
    plan = plan_with(
        'rule "stores first"\n  avoid source where source.type != "store" by 5 per unit\n'
        'rule "fragile from warehouses"\n  when "fragile" in line.product.tags\n'
        '  exclude source where source.type == "store"\n'
    )
    assert shipped(plan)["2"] == "ST-C"
    assert shipped(plan)["1"] != "ST-C"


def test_prefer_and_avoid_amounts_add_up():
    net = NetworkIndex(network(WAREHOUSES_AND_STORE, EVERYWHERE, PRODUCTS))
    order = ship_order([order_line("1", "TEE", 2)])
    ruleset = rules(
        'rule "a"\n  avoid source where source.code == "WH-A" by 3 per shipment\n'
        'rule "b"\n  avoid source where source.code == "WH-A" by 1.5 per unit\n'
        'rule "c"\n  prefer source where source.code == "WH-A" by 1 per shipment\n'
    )
    directives = directives_for(ruleset, order, net)
    assert [(c.amount, c.per, c.rule) for c in directives.cost_terms] == [
        (3.0, "shipment", "a"),
        (1.5, "unit", "b"),
        (-1.0, "shipment", "c"),
    ]
    plan = source(order, net, rules=ruleset.without({"c"}))
    assert shipped(plan) == {"1": "WH-B"}  # A costs 3 + 2 x 1.5 more: B is the cheapest
    only_a = source(
        order, net, rules=rules('rule "only A"\n  only source where source.code == "WH-A"\n' + _text(ruleset))
    )
    assert only_a.rule_adjustment == pytest.approx(3 + 2 * 1.5 - 1)


def _text(ruleset) -> str:
    return format_ruleset(ruleset.source).split("\n", 2)[2]


def test_set_is_resolved_by_priority_then_by_place_in_the_file_over_the_settings_block():
    ruleset = rules(
        'rule "late low"\n  set max_shipments 3\n'
        'rule "high" priority 5\n  set max_shipments 1\n'
        'rule "later high" priority 5\n  set max_shipments 2\n'
        'rule "lowest" priority -1\n  set split_penalty 4\n',
        header='ruleset "t" version 1\nsettings\n  max_shipments 9\n  split_penalty 1\n  time_limit 250ms\n',
    )
    net = NetworkIndex(network(WAREHOUSES_AND_STORE, EVERYWHERE, PRODUCTS))
    verdict = verdict_for(ruleset, ship_order([order_line("1", "TEE")]), net)
    assert (verdict.settings.max_shipments, verdict.settings.split_penalty, verdict.settings.time_limit) == (
        2,
        4.0,
        0.25,
    )
    assert verdict.settings_from == {"max_shipments": "later high", "split_penalty": "lowest", "time_limit": "settings"}


def test_a_hold_puts_the_whole_order_on_hold_and_says_why():
    plan = plan_with('rule "review"\n  when order.total >= 20\n  hold order reason "fraud review"\n')
    assert plan.hold == "fraud review"
    assert plan.shipments == [] and {u.reason for u in plan.unsourced} == {"on_hold"}
    assert any('rule "review"' in line for line in plan.explanation)


def test_backorder_allow_and_deny_override_the_product():
    stock = {("WH-A", "TEE"): 1}
    products = [Product("VASE", backorders=True), Product("TEE")]
    order = ship_order([order_line("1", "VASE"), order_line("2", "TEE", 3)])
    plan = plan_with(
        'rule "vases never wait"\n  when line.sku == "VASE"\n  backorder deny\n'
        'rule "tees may wait"\n  when line.sku == "TEE"\n  backorder allow\n',
        order=order,
        stock=stock,
        products=products,
    )
    assert [(b.line_id, b.quantity) for b in plan.backorders] == [("2", 2)]
    assert [(u.line_id, u.reason) for u in plan.unsourced] == [("1", "out_of_stock")]


def test_partial_hold_waits_for_the_complete_order():
    stock = {("WH-A", "VASE"): 1}
    plan = plan_with('rule "complete"\n  set partial hold\n', stock=stock)
    assert plan.shipments == []
    assert {u.reason for u in plan.unsourced} == {"waiting_for_complete"}


def test_bundles_split_after_the_given_number_of_attempts():
    stock = {("WH-A", "VASE"): 1, ("WH-B", "TEE"): 1}
    order = ship_order([order_line("1", "VASE", bundle="K"), order_line("2", "TEE", bundle="K")])
    body = ""
    header = 'ruleset "t" version 1\nsettings\n  bundles split_after 2\n'
    net = NetworkIndex(network(WAREHOUSES_AND_STORE, stock, PRODUCTS))
    ruleset = load(header + body)
    assert source(order, net, rules=ruleset, attempt=1).shipments == []
    assert shipped(source(order, net, rules=ruleset, attempt=2)) == {"1": "WH-A", "2": "WH-B"}


def test_a_where_reading_available_is_decided_line_by_line():
    stock = {("WH-A", "VASE"): 5, ("WH-A", "TEE"): 1, ("WH-B", "TEE"): 5, ("WH-B", "VASE"): 1}
    net = NetworkIndex(network(WAREHOUSES_AND_STORE, stock, PRODUCTS))
    order = ship_order([order_line("1", "VASE", 2), order_line("2", "TEE", 2)])
    ruleset = rules('rule "deep stock only"\n  exclude source where available < 3\n')
    verdict = verdict_for(ruleset, order, net)
    by_line = {next(iter(f.lines)): [net.codes[i] for i, x in enumerate(f.sources) if not x] for f in verdict.filters}
    assert by_line == {"1": ["WH-A"], "2": ["WH-B"]}
    assert shipped(source(order, net, rules=ruleset)) == {"1": "WH-A", "2": "WH-B"}


def test_rules_without_when_always_apply_and_explanations_name_the_rules():
    plan = plan_with('rule "never drop-ship"\n  exclude source where source.type == "dropship"\n')
    assert plan.explanation[0].startswith('rule "never drop-ship" matched the order: exclude 1 source(s) where')
    assert "(DS-D)" in plan.explanation[0]


def test_a_pickup_order_is_in_the_country_of_its_pickup_store():
    sources = [src("ST-VIE", "store", 1, 48.2, 16.37, "AT", caps=("ship", "pickup")), src("WH-BER", "warehouse", 2)]
    net = NetworkIndex(network(sources, {}))
    order = Order("P", Delivery("pickup", pickup_source="ST-VIE"), (order_line("1", "TEE"),))
    facts = order_facts(order, net)
    assert (facts.country, facts.delivery_method, facts.pickup_source) == ("AT", "pickup", "ST-VIE")


def test_order_fields_are_what_rules_read():
    net = NetworkIndex(network(WAREHOUSES_AND_STORE, EVERYWHERE, PRODUCTS))
    order = ship_order(
        [order_line("1", "VASE", 2, 15.0), order_line("2", "TEE", 1, 5.0, bundle="K", attributes={"gift": True})],
        channel="web",
        created_at=datetime(2026, 11, 27, 9, tzinfo=UTC),
        attributes={"vip": True},
    )
    facts = order_facts(order, net)
    assert (facts.total, facts.channel, facts.attributes, facts.country) == (35.0, "web", {"vip": True}, "DE")
    assert facts.lines[0].product_tags == frozenset({"fragile"})
    assert (facts.lines[1].bundle, facts.lines[1].attributes) == ("K", {"gift": True})


def test_the_engine_refuses_rules_that_were_not_compiled():
    net = NetworkIndex(network(WAREHOUSES_AND_STORE, EVERYWHERE, PRODUCTS))
    with pytest.raises(TypeError, match="compiled ruleset"):
        source(ship_order([order_line("1", "TEE")]), net, rules='rule "x"')


def test_a_ruleset_version_is_compiled_once():
    text = 'ruleset "t" version 1\nrule "r"\n  when order.total > 1\n  backorder allow\n'
    first, again = load(text), load(text + "\n# a comment changes nothing\n")
    assert first.conditions is again.conditions  # one durable-rules ruleset for both
    assert first.conditions is not load(text.replace("version 1", "version 2")).conditions


def test_rules_evaluate_the_same_from_several_threads():
    net = NetworkIndex(network(WAREHOUSES_AND_STORE, EVERYWHERE, PRODUCTS))
    ruleset = rules(
        'rule "big"\n  when order.total >= 50\n  set max_shipments 1\n'
        'rule "fragile"\n  when "fragile" in line.product.tags\n  exclude source where source.type == "store"\n'
    )
    orders = [
        ship_order([order_line("1", "VASE", 1 + n % 4, 10.0), order_line("2", "TEE")], id=f"O-{n}") for n in range(200)
    ]

    def answer(order):
        verdict = verdict_for(ruleset, order, net)
        return [m.rule for m in verdict.matches], verdict.settings.max_shipments

    alone = [answer(o) for o in orders]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(answer, orders)) == alone
