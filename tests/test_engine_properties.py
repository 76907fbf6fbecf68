"""Properties every plan of every strategy must have, on random networks and orders."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sourcing_engine import STRATEGIES, CostTerm, Directives, Settings, SourceFilter, source
from sourcing_engine.validate import plan_violations
from tests.engine_strategies import instances

PROPERTY_SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
@PROPERTY_SETTINGS
@given(instance=instances())
def test_every_plan_is_valid_and_its_costs_recompute(strategy: str, instance) -> None:
    network, order = instance
    plan = source(order, network, strategy)
    assert plan_violations(plan, order, network) == []
    assert plan.total_cost == pytest.approx(sum(s.cost for s in plan.shipments))


@PROPERTY_SETTINGS
@given(instance=instances())
def test_optimal_never_fills_less_nor_costs_more_than_a_greedy(instance) -> None:
    network, order = instance
    best = source(order, network, "optimal")
    assert best.optimal
    for name in ("priority", "distance", "consolidating"):
        rival = source(order, network, name)
        assert best.filled_units >= rival.filled_units, name
        if best.filled_units == rival.filled_units:
            assert best.total_cost <= rival.total_cost + 1e-6, name


@PROPERTY_SETTINGS
@given(instance=instances())
def test_the_same_order_gets_the_same_plan_every_time(instance) -> None:
    network, order = instance
    first, second = source(order, network), source(order, network)
    assert first.shipments == second.shipments
    assert first.backorders == second.backorders
    assert first.unsourced == second.unsourced


@st.composite
def directed_instances(draw: st.DrawFn):
    network, order = draw(instances())
    n = len(network.sources)
    mask = st.lists(st.booleans(), min_size=n, max_size=n).map(lambda bits: np.array(bits, dtype=bool))
    line_ids = [line.id for line in order.lines]
    some_lines = st.one_of(st.none(), st.sets(st.sampled_from(line_ids), min_size=1).map(frozenset))
    directives = Directives(
        excludes=draw(st.lists(st.builds(SourceFilter, mask, st.just("no-go"), some_lines), max_size=2)),
        onlys=draw(st.lists(st.builds(SourceFilter, mask, st.just("only-these"), some_lines), max_size=1)),
        cost_terms=draw(
            st.lists(
                st.builds(
                    CostTerm,
                    st.sampled_from([-2.5, -0.4, 0.4, 3.0]),
                    st.sampled_from(["shipment", "unit"]),
                    mask,
                    st.just("pref"),
                    some_lines,
                ),
                max_size=3,
            )
        ),
        settings=Settings(
            max_shipments=draw(st.one_of(st.none(), st.integers(1, 3))),
            split_penalty=draw(st.sampled_from([0.0, 5.0])),
        ),
    )
    return network, order, directives


@PROPERTY_SETTINGS
@given(case=directed_instances())
def test_directives_are_obeyed_by_every_strategy_and_optimal_still_wins(case) -> None:
    network, order, directives = case
    codes = [s.code for s in network.sources]
    plans = {name: source(order, network, name, directives=directives) for name in sorted(STRATEGIES)}
    for name, plan in plans.items():
        assert plan_violations(plan, order, network, rules_applied=True) == [], name
        physical = plan.physical_shipments
        if directives.settings.max_shipments is not None:
            assert len(physical) <= directives.settings.max_shipments, name
        for shipment in physical:
            pos = codes.index(shipment.source)
            for planned in shipment.lines:
                for flt in directives.excludes:
                    if flt.lines is None or planned.line_id in flt.lines:
                        assert not flt.sources[pos], (name, "excluded source used")
                for flt in directives.onlys:
                    if flt.lines is None or planned.line_id in flt.lines:
                        assert flt.sources[pos], (name, "source outside an only-set used")
    best = plans["optimal"]
    for name, rival in plans.items():
        assert best.filled_units >= rival.filled_units, name
        if best.filled_units == rival.filled_units:
            assert best.objective <= rival.objective + 1e-6, name
