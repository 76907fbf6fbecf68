"""Try it, network and stock view models, on the sample network with the real rules language."""
# ruff: noqa: F401, F811 (the catalog fixtures are imported by name)

from __future__ import annotations

import itertools

import pytest

from api.admin.network import DEFAULT_LOW_STOCK, StockFilter, low_stock, low_stock_threshold, sources_by_code
from api.admin.trial import cost_change, try_rules
from oms.errors import InvalidInput, NotFound
from tests.api.catalog_fixtures import NO_VIENNA, Api, Service, loaded, merchant, sample_order, service


def test_trying_rules_shows_both_plans_the_rule_that_matched_and_a_map_of_both(service: Service, loaded: Api) -> None:
    sources = sources_by_code(service.oms)
    trial = try_rules(service.oms, NO_VIENNA, sample_order(), sources)
    assert trial.order_id == "ORD-1001" and trial.ruleset == '"no-vienna" version 1'
    assert {s.source for s in trial.without_rules.shipments} == {"WH-VIE"}
    assert "WH-VIE" not in {s.source for s in trial.with_rules.shipments}
    assert trial.with_rules.units_shipped == trial.without_rules.units_shipped == 3
    [matched] = trial.matched
    assert matched.rule == "Vienna ships nothing this week" and matched.line == 3
    assert matched.scope == "the whole order" and matched.without_it.startswith("cost ")
    assert trial.cost_change.endswith("with the rules")
    svg = str(trial.map)
    assert svg.count('class="route route-with"') == len(trial.with_rules.shipments)
    assert svg.count('class="route route-without"') == len(trial.without_rules.shipments)
    assert "Vienna" in svg and "Customer 80331, DE" in svg


def test_a_pickup_order_is_drawn_to_its_store(service: Service, loaded: Api) -> None:
    trial = try_rules(service.oms, NO_VIENNA, sample_order(3), sources_by_code(service.oms))
    assert "Pickup store" in str(trial.map) and "Customer" not in str(trial.map)


def test_rules_that_do_not_check_are_refused_naming_the_field(service: Service, loaded: Api) -> None:
    with pytest.raises(InvalidInput) as err:
        try_rules(service.oms, 'ruleset "x" version 1\nrule "a"\n  exclude source where source.typ == 1\n', {}, {})
    paths = {e.path for e in err.value.errors}
    assert "rules" in paths and any(p.startswith("order.") for p in paths)


def test_the_cost_change_reads_as_words() -> None:
    assert cost_change(12.5, 10.25) == "+2.25 with the rules"
    assert cost_change(10.0, 12.0) == "−2.00 with the rules"
    assert cost_change(10.0, 10.001) == "no change in cost"


def test_low_stock_lists_what_a_channel_can_sell_at_or_below_the_threshold(service: Service, loaded: Api) -> None:
    everything = low_stock(service.oms, 10**9, None)
    assert everything and all(a.sellable <= b.sellable for a, b in itertools.pairwise(everything))
    threshold = everything[0].sellable
    at = low_stock(service.oms, threshold, None)
    assert at and all(low.sellable == threshold for low in at)
    assert all(low.channel == "web" for low in low_stock(service.oms, 10**9, frozenset({"web"})))


@pytest.mark.parametrize("text", ["-1", "1e3", "abc", "1000000001", "9" * 40, "\x00"])
def test_a_threshold_that_is_not_a_count_of_units_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        low_stock_threshold(text)
    assert err.value.errors[0].path == "threshold"


def test_the_threshold_defaults_when_left_out_and_stock_filters_refuse_nul() -> None:
    assert low_stock_threshold(None) == low_stock_threshold(" ") == DEFAULT_LOW_STOCK
    assert low_stock_threshold("0") == 0
    with pytest.raises(InvalidInput):
        StockFilter.of({"sku": "A\x00"})


def test_a_stored_order_becomes_the_document_intake_took_and_plans_the_same(service: Service, loaded: Api) -> None:
    from oms.service.orders import place_order
    from oms.service.trials import order_document, recent_orders

    for n in (0, 3):
        place_order(service.oms, sample_order(n))
    assert [o["order_id"] for o in recent_orders(service.oms, "web")] == ["ORD-1001"]
    shipped = order_document(service.oms, "ORD-1001", "web")
    original = sample_order(0)
    assert shipped["delivery"] == original["delivery"] and shipped["lines"] == original["lines"]
    pickup = order_document(service.oms, "ORD-1004", "store")
    assert pickup["delivery"] == {"method": "pickup", "pickup_source": "ST-MUC"}
    plan = loaded.post("/v1/sourcing/simulate", json={"order": {**pickup, "id": "AGAIN"}})
    assert plan.status_code == 200, plan.json
    with pytest.raises(NotFound):
        order_document(service.oms, "ORD-1001", "store")
