"""The independent HiGHS model agrees with the engine's optimal strategy, and its LP bounds it."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.exact import solve_exact
from benchmarks.generator import generate
from sourcing_engine import CostTerm, Directives, NetworkIndex, Settings, SourceFilter, consumed, source
from sourcing_engine.ledger import StockLedger

TOLERANCE = 1e-4


def agree(order, index, ledger, directives=None) -> None:
    plan = source(order, index, "optimal", directives=directives)
    exact = solve_exact(order, ledger, directives)
    assert exact.proven
    assert (exact.fill, round(exact.objective, 4)) == (plan.filled_units, round(plan.objective, 4)), order.id
    assert exact.lp_bound <= exact.objective + TOLERANCE
    return plan


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_mip_and_the_engine_agree_on_every_tiny_order(seed: int) -> None:
    instance = generate("tiny", seed=seed)
    index, ledger = NetworkIndex(instance.network), StockLedger(instance.network)
    for order in instance.orders:
        agree(order, index, ledger)


def test_they_agree_along_a_scarce_stream_that_depletes_stock() -> None:
    instance = generate("scarce", seed=4, orders=60)
    index, ledger = NetworkIndex(instance.network), StockLedger(instance.network)
    for order in instance.orders:
        plan = agree(order, index, ledger)
        index.take(consumed(plan))
        ledger.take(consumed(plan))


def directive_sets(size: int) -> dict[str, Directives]:
    stores = np.zeros(size, dtype=bool)
    stores[2:] = True  # tiny: two warehouses first, then stores
    first = np.zeros(size, dtype=bool)
    first[0] = True
    return {
        "one shipment at most": Directives(settings=Settings(max_shipments=1)),
        "two shipments at most": Directives(settings=Settings(max_shipments=2)),
        "no stores": Directives(excludes=[SourceFilter(stores, "no-stores")]),
        "warehouses only for line 1": Directives(onlys=[SourceFilter(~stores, "wh", frozenset({"1"}))]),
        "split penalty": Directives(settings=Settings(split_penalty=3.0)),
        "stores dearer per unit": Directives(cost_terms=[CostTerm(2.0, "unit", stores, "store-unit")]),
        "prefer the first warehouse": Directives(cost_terms=[CostTerm(-4.0, "shipment", first, "prefer")]),
        "line 2 from a store costs more": Directives(
            cost_terms=[CostTerm(5.0, "shipment", stores, "l2", frozenset({"2"}))]),
        "line 1 from the first warehouse is preferred": Directives(
            cost_terms=[CostTerm(-3.0, "shipment", first, "l1", frozenset({"1"}))]),
    }


@pytest.mark.parametrize("name", list(directive_sets(10)))
def test_they_agree_under_the_directives_rules_produce(name: str) -> None:
    instance = generate("tiny", seed=5)
    index, ledger = NetworkIndex(instance.network), StockLedger(instance.network)
    directives = directive_sets(len(instance.network.sources))[name]
    for order in instance.orders[:25]:
        agree(order, index, ledger, directives)


def test_the_lp_bound_is_below_the_optimum_and_sometimes_strictly() -> None:
    instance = generate("typical", seed=1, orders=120)
    ledger = StockLedger(instance.network)
    results = [solve_exact(order, ledger) for order in instance.orders]
    assert all(r.lp_bound <= r.objective + TOLERANCE for r in results)
    assert any(r.lp_bound < r.objective - 0.01 for r in results)
