"""Costs of every magnitude: the optimizer's integer scaling never claims an optimum it did not find.

CP-SAT works in integers, so costs are scaled; amounts spanning many orders of
magnitude (a per-unit cost of 1e9 beside one of 0.003, a rule adding 1e10)
used to round the cheap differences away and still answer "optimal".  Against
the enumeration of every plan (tests/test_engine_brute_force.py): a plan that
says optimal has the optimum's objective; one that does not says at what
precision it compared costs, and is within that precision of the optimum.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sourcing_engine import (
    Costs,
    CostTerm,
    Delivery,
    Directives,
    Location,
    Network,
    Order,
    OrderLine,
    Settings,
    Source,
    SourceFilter,
    StockRow,
    source,
)
from sourcing_engine.cpsat_cost import COST_SCALE
from tests.test_engine_brute_force import brute_force, small_instances

MONEY = [0.0, 1e-6, 0.003, 0.25, 1.0, 7.5, 1e3, 1e6, 1e9]
RULE_AMOUNTS = [-1e6, -3.0, 0.01, 2.0, 1e4, 1e6, 1e8, 1e10]


@st.composite
def wide_instances(draw: st.DrawFn):
    network, order = draw(small_instances())
    money = st.sampled_from(MONEY)
    sources = [
        dataclasses.replace(s, costs=Costs(fixed=draw(money), per_km=draw(money), per_unit=draw(money)))
        for s in network.sources
    ]
    network = dataclasses.replace(network, sources=sources)
    n = len(sources)
    mask = st.lists(st.booleans(), min_size=n, max_size=n).map(lambda bits: np.array(bits, dtype=bool))
    ids = [line.id for line in order.lines]
    lines = st.one_of(st.none(), st.sets(st.sampled_from(ids), min_size=1).map(frozenset))
    term = st.builds(
        CostTerm, st.sampled_from(RULE_AMOUNTS), st.sampled_from(["shipment", "unit"]), mask, st.just("r"), lines
    )
    rules = Directives(
        excludes=draw(st.lists(st.builds(SourceFilter, mask, st.just("x"), lines), max_size=1)),
        cost_terms=draw(st.lists(term, max_size=3)),
        settings=Settings(split_penalty=draw(st.sampled_from([0.0, 1.5, 1e6]))),
    )
    return network, order, rules


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=wide_instances())
def test_a_plan_called_optimal_has_the_optimum_whatever_the_magnitudes_of_the_costs(case) -> None:
    network, order, rules = case
    plan = source(order, network, directives=rules, time_limit=10)
    fill, objective = brute_force(network, order, rules)
    assert plan.filled_units == fill
    units = sum(line.quantity for line in order.lines)
    # what rounding each cost to the solver's step can add up to: one step per unit, shipment and rule amount
    steps = units + len(network.sources) * (1 + len(rules.cost_terms))
    noise = 1e-9 * max(1.0, abs(objective))  # float arithmetic on amounts of 1e10
    event("optimal" if plan.optimal else "compared at a coarser step")
    if plan.optimal:
        assert plan.objective == pytest.approx(objective, abs=steps / COST_SCALE + noise)
        assert plan.cost_resolution in (None, 1 / COST_SCALE)
    else:
        assert plan.cost_resolution is not None and plan.cost_resolution > 1 / COST_SCALE
        assert any("compare exactly" in note for note in plan.explanation)
        assert objective - noise <= plan.objective <= objective + steps * plan.cost_resolution + noise


def test_a_huge_penalty_on_sources_the_optimum_avoids_leaves_the_optimum_exact() -> None:
    near = Source("NEAR", Location(52.5, 13.4), costs=Costs(fixed=4.0, per_unit=0.25))
    far = Source("FAR", Location(48.1, 11.6), costs=Costs(fixed=5.0, per_km=0.002, per_unit=0.3))
    store = Source("STORE", Location(52.5, 13.41), type="store", costs=Costs(fixed=1.0))
    network = Network([near, far, store], [], [StockRow(c, "A", on_hand=5) for c in ("NEAR", "FAR", "STORE")])
    order = Order("O", Delivery("ship", address=Location(52.52, 13.40)), (OrderLine("1", "A", 7),))
    avoid_store = CostTerm(1e10, "unit", np.array([False, False, True]), "no stores")
    plan = source(order, network, directives=Directives(cost_terms=[avoid_store]))
    assert plan.optimal and plan.cost_resolution == 1 / COST_SCALE  # the solver compared the plans, to the cent
    assert sorted(s.source for s in plan.shipments) == ["FAR", "NEAR"]
