"""Solve one joint group of a wave: most units, then lowest cost, never worse than sequential.

Two lexicographic phases, as for one order: maximise the units the group
fills (skipped when the sequential plan already reaches a pooled upper
bound), then minimise cost at that fill.  The sequential plan is the hint and
the first answer; the solver's plan replaces it only when it is better by the
exact floating-point yardstick (``evaluate``), so rounding never loses money.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from sourcing_engine.evaluate import COST_EPSILON, evaluate
from sourcing_engine.problem import Allocation
from sourcing_engine.wave_cost import minimize_cost, rounding_slack
from sourcing_engine.wave_lns import improve
from sourcing_engine.wave_model import JointModel, StockAt, WaveOrder, build_joint_model, maximize_fill, require_fill

# Measured on the scarce benchmark preset (see docs/waves.md): as for single
# orders, presolve costs more than it saves on these linking-heavy models.
PRESOLVE = False
# The share of a group's time the fill phase may use when it has to run.
FILL_SHARE = 0.4
# Groups of at least this many orders are searched by neighbourhoods (wave_lns) before the
# whole group's cost phase, when the fill phase changed the plan or the model is large.
SEARCH_FROM_ORDERS = 40
SEARCH_FROM_VARIABLES = 5000
# The share of the time left that the neighbourhood search may use (it stops earlier when a
# whole turn of neighbourhoods finds nothing cheaper).
SEARCH_SHARE = 0.5
# CP-SAT's linearization level: its default (1) on ordinary groups; on large ones level 2 (cuts)
LINEARIZATION = 1
LARGE_LINEARIZATION = 2
# CP-SAT's cut generation off, as for one order: measured on the scarce groups of 100-125 orders
# (two runs of five groups on the shared machine), 14 s in all instead of 17, all proven.
CUT_LEVEL = 0


@dataclass(slots=True)
class GroupOutcome:
    allocations: list[Allocation]
    improved: bool  # the solver's plan beat the sequential one
    proven: bool  # fill and cost proven optimal (under the fairness guarantee)
    objective: float  # the chosen plans' total objective (money)
    bound: float  # no plan filling as much can cost less than this
    variables: int
    solve_ms: float
    searched: int = 0  # neighbourhoods re-solved before the whole group's model
    search_saving: float = 0.0  # what they saved on the plan they started from


def solve_group(orders: list[WaveOrder], stock_at: StockAt, deadline: float, workers: int) -> GroupOutcome:
    t0 = time.perf_counter()
    sequential = [o.sequential for o in orders]
    seq_fill, _ = _worth(orders, sequential)
    jm = build_joint_model(orders, stock_at)
    jm.hint(sequential)
    best = sequential
    fill, fill_proven = seq_fill, True
    if seq_fill < _fill_upper_bound(orders, stock_at):
        maximize_fill(jm)
        phase_end = time.perf_counter() + FILL_SHARE * max(0.0, deadline - time.perf_counter())
        status, solver = _run(jm, phase_end, workers)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = jm.allocations(solver)
            if _worth(orders, found)[0] > seq_fill:
                best, fill = found, _worth(orders, found)[0]
            fill_proven = status == cp_model.OPTIMAL
        else:
            fill_proven = False
    # The fill phase's plan is arbitrary in cost: from it, one worker may not find a cheaper plan
    # in seconds, while from the sequential plan (a few units short, but cheap) it finds the
    # optimum at once.  The fill phase's plan stays the answer until a cheaper one is found.
    start = sequential
    searched, search_saving = 0, 0.0
    if len(orders) >= SEARCH_FROM_ORDERS and jm.variables >= SEARCH_FROM_VARIABLES:
        # A large group's search from any start is slow to find the joint gain: neighbourhoods first.
        search_end = time.perf_counter() + SEARCH_SHARE * max(0.0, deadline - time.perf_counter())
        best, report = improve(orders, stock_at, best, search_end)
        start, searched, search_saving = best, report.rounds, report.saving
    if start is not sequential:  # the model holds the sequential hint already
        jm.hint(start)
    require_fill(jm, fill)
    scale = minimize_cost(jm)
    slack = rounding_slack(jm, fill, scale / (len(jm.z) + 1))
    status, solver = _run(jm, deadline, workers)
    best_fill, best_cost = _worth(orders, best)
    bound = -float("inf")
    cost_proven = False
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = jm.allocations(solver)
        found_fill, found_cost = _worth(orders, found)
        if (found_fill, -found_cost) > (best_fill, -best_cost + COST_EPSILON):
            best, best_fill, best_cost = found, found_fill, found_cost
        bound = solver.BestObjectiveBound() / scale - slack
        cost_proven = status == cp_model.OPTIMAL
    return GroupOutcome(
        allocations=best,
        improved=_worth(orders, best) != _worth(orders, sequential),
        proven=fill_proven and cost_proven,
        objective=best_cost,
        bound=min(best_cost, bound) if bound > -float("inf") else _trivial_bound(orders),
        variables=jm.variables,
        solve_ms=(time.perf_counter() - t0) * 1000,
        searched=searched,
        search_saving=search_saving,
    )


def _worth(orders: list[WaveOrder], allocations: list[Allocation]) -> tuple[int, float]:
    fill, cost = 0, 0.0
    for order, allocation in zip(orders, allocations, strict=True):
        ev = evaluate(order.problem, allocation)
        fill += ev.filled
        cost += ev.objective
    return fill, cost


def _fill_upper_bound(orders: list[WaveOrder], stock_at: StockAt) -> int:
    """Per SKU: no more than demanded, nor more than the sources some line may use hold."""
    demand: dict[str, int] = {}
    reach: dict[str, set[int]] = {}
    for order in orders:
        problem = order.problem
        cands = problem.candidates
        for i, line in enumerate(problem.lines):
            demand[line.sku] = demand.get(line.sku, 0) + int(problem.demand[i])
            reach.setdefault(line.sku, set()).update(cands[problem.allowed[i, cands]].tolist())
    return sum(min(qty, sum(stock_at(sku, pos) for pos in reach[sku])) for sku, qty in demand.items())


def _trivial_bound(orders: list[WaveOrder]) -> float:
    return sum(min(0.0, float(o.problem.base_adj.min(initial=0))) for o in orders)


def _run(jm: JointModel, deadline: float, workers: int) -> tuple[int, cp_model.CpSolver]:
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = workers
    params.random_seed = 7
    params.max_time_in_seconds = max(0.01, deadline - time.perf_counter())
    params.cp_model_presolve = PRESOLVE
    params.linearization_level = LINEARIZATION if jm.variables < SEARCH_FROM_VARIABLES else LARGE_LINEARIZATION
    params.cut_level = CUT_LEVEL
    status = solver.Solve(jm.model)
    return status, solver
