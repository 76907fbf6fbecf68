"""At moderate scale (200 sources, 20-line orders) the engine's plans equal the independent exact MIP,
dominance pruning never costs a better plan, and an order too large for the time limit still gets an
answer that says it is not proven."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.exact import solve_exact
from benchmarks.network_gen import make_catalogue, make_network, make_sources
from benchmarks.orders_gen import OrderMaker
from benchmarks.presets import SCALE_NETWORKS
from sourcing_engine import CostTerm, Directives, NetworkIndex, Order, Settings, SourceFilter, budget, prune, source
from sourcing_engine.evaluate import COST_EPSILON
from sourcing_engine.ledger import StockLedger
from sourcing_engine.model import Network
from sourcing_engine.problem import build_problem
from sourcing_engine.validate import violations

PROPERTY = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LONG = 30.0  # seconds: the property is about the optimum, not about the default limit


@cache
def world() -> tuple[Network, NetworkIndex, StockLedger, OrderMaker]:
    params = SCALE_NETWORKS[200]
    sources, catalogue = make_sources(params, 11), make_catalogue(params, 11)
    network = make_network(params, 11, sources, catalogue, params.horizon_orders or 1)
    maker = OrderMaker(replace(params, large_share=1.0, large_lines=(20, 20)), 11, sources, catalogue)
    return network, NetworkIndex(network), StockLedger(network), maker


@cache
def orders() -> list[Order]:
    return world()[3].orders(30)


def directives_for(kind: str, seed: int) -> Directives:
    size = len(world()[0].sources)
    some = np.random.default_rng(seed).random(size) < 0.3
    return {
        "none": Directives(),
        "split penalty": Directives(settings=Settings(split_penalty=4.0)),
        "two shipments at most": Directives(settings=Settings(max_shipments=2)),
        "some sources excluded": Directives(excludes=[SourceFilter(some, "closed")]),
        "some sources dearer per unit": Directives(cost_terms=[CostTerm(1.5, "unit", some, "dear")]),
        "some sources preferred": Directives(cost_terms=[CostTerm(-2.0, "shipment", some, "prefer")]),
        "line 3 from some sources costs more": Directives(
            cost_terms=[CostTerm(3.0, "shipment", some, "l3", frozenset({"3"}))]
        ),
    }[kind]


KINDS = st.sampled_from(
    [
        "none",
        "split penalty",
        "two shipments at most",
        "some sources excluded",
        "some sources dearer per unit",
        "some sources preferred",
        "line 3 from some sources costs more",
    ]
)


@PROPERTY
@given(pick=st.integers(0, 29), kind=KINDS, seed=st.integers(0, 2**16))
def test_a_20_line_order_on_200_sources_gets_the_exact_mips_optimum(pick: int, kind: str, seed: int) -> None:
    _, index, ledger, _ = world()
    order, directives = orders()[pick], directives_for(kind, seed)
    plan = source(order, index, directives=directives, time_limit=LONG)
    exact = solve_exact(order, ledger, directives, LONG)
    assert violations(plan, order, ledger, rules_applied=True) == []
    assert plan.optimal and exact.proven
    assert plan.filled_units == exact.fill
    assert plan.objective == pytest.approx(exact.objective, abs=1e-6)


@PROPERTY
@given(pick=st.integers(0, 29), kind=KINDS, seed=st.integers(0, 2**16))
def test_pruning_never_removes_a_source_an_optimal_plan_needs(pick: int, kind: str, seed: int) -> None:
    _, index, ledger, _ = world()
    order, directives = orders()[pick], directives_for(kind, seed)
    pruned = source(order, index, directives=directives, time_limit=LONG)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prune, "ENABLED", False)
        whole = source(order, index, directives=directives, time_limit=LONG)
    assert pruned.optimal and whole.optimal
    assert pruned.filled_units == whole.filled_units
    assert pruned.objective == pytest.approx(whole.objective, abs=COST_EPSILON)
    assert pruned.stats.modelled_sources <= pruned.stats.candidate_sources
    assert violations(pruned, order, ledger, rules_applied=True) == []


def test_pruning_keeps_the_sources_of_the_unpruned_optimum() -> None:
    """Checked directly on the problem: no optimal plan of these orders uses a dropped source."""
    _, index, _, _ = world()
    dropped_any = False
    for order in orders()[:10]:
        problem = build_problem(order, index, Directives(), list(order.lines))
        result = prune.prune(problem)
        dropped = set(result.dominator)
        dropped_any |= bool(dropped)
        optimum = source(order, index, time_limit=LONG)
        used = {index.position[s.source] for s in optimum.shipments}
        assert not used & dropped
        for gone, kept in result.dominator.items():
            assert kept in set(result.problem.candidates.tolist()) and gone != kept
    assert dropped_any


def best_greedy(order: Order, index: NetworkIndex) -> tuple[int, float]:
    plans = [source(order, index, name) for name in ("priority", "distance", "consolidating")]
    return min((-p.filled_units, p.objective) for p in plans)


def test_an_order_too_large_to_model_in_time_gets_a_partial_model_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    _, index, ledger, _ = world()
    monkeypatch.setattr(budget, "SECONDS_PER_VARIABLE", 0.01)  # as if every variable took 10 ms to build
    monkeypatch.setattr(budget, "ALWAYS_BUILT", 0)
    order = orders()[0]
    plan = source(order, index)
    assert not plan.optimal and plan.stats.hit_time_limit
    assert any("too large to model in the time limit" in note for note in plan.explanation)
    assert violations(plan, order, ledger) == []
    fill, objective = best_greedy(order, index)
    assert (-plan.filled_units, plan.objective) <= (fill, objective + COST_EPSILON)


def test_a_model_that_cannot_be_built_in_time_leaves_the_best_greedy_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    _, index, ledger, _ = world()
    monkeypatch.setattr("sourcing_engine.optimal.BUILD_SHARE", 0.0)  # building is out of time at once
    monkeypatch.setattr("sourcing_engine.optimal.ALWAYS_BUILT", 0)  # even for a model this small
    order = orders()[1]
    plan = source(order, index)
    assert not plan.optimal and plan.stats.fallback
    assert any("too large to model" in note for note in plan.explanation)
    assert violations(plan, order, ledger) == []
    assert (-plan.filled_units, plan.objective) == pytest.approx(best_greedy(order, index))


def test_the_same_order_gets_the_same_plan_run_after_run() -> None:
    _, index, _, _ = world()
    for order in orders()[:5]:
        first, second = source(order, index, time_limit=LONG), source(order, index, time_limit=LONG)
        assert first.optimal and second.optimal
        assert [(s.source, s.lines) for s in first.shipments] == [(s.source, s.lines) for s in second.shipments]
