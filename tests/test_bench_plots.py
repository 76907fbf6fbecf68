"""The benchmark's cost plot plots what its label says: total cost, relative to the exact plans' total cost."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from benchmarks.plots import PLOTS, _relative_cost


def run(cost: float, objective: float, lp: float, strategy_cost: float, strategy_objective: float):
    exact = {"total_cost": cost, "total_objective": objective, "lp_bound": lp}
    summary = {"optimal": {"total_cost": strategy_cost, "total_objective": strategy_objective}}
    return SimpleNamespace(quality={"exact": exact}, summary=summary)


def test_the_cost_plot_divides_total_costs_not_objectives() -> None:
    assert PLOTS["cost"] == "Total cost relative to the exact optimum"
    ruled = run(cost=100.0, objective=130.0, lp=120.0, strategy_cost=110.0, strategy_objective=131.0)
    assert _relative_cost(ruled, "optimal") == pytest.approx(1.10)


def test_the_lp_bound_is_shown_only_where_it_bounds_the_cost() -> None:
    ruled = run(cost=100.0, objective=130.0, lp=120.0, strategy_cost=110.0, strategy_objective=131.0)
    assert np.isnan(_relative_cost(ruled, "LP bound"))
    plain = run(cost=100.0, objective=100.0, lp=96.0, strategy_cost=101.0, strategy_objective=101.0)
    assert _relative_cost(plain, "LP bound") == pytest.approx(0.96)
