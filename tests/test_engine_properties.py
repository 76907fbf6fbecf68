"""Properties every plan of every strategy must have, on random networks and orders."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from sourcing_engine import STRATEGIES, source
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
