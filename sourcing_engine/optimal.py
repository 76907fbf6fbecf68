"""The optimal strategy: the most units filled, then the lowest cost, proven.

The greedy plans come first: they are cheap, they hint the solver, and with
the fill bound they often settle the fill target.  When one source can ship
everything and no split could cost less, the answer is proven without the
solver; otherwise CP-SAT solves the model, at most twice (fill, then cost).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sourcing_engine.bounds import fill_upper_bound, item_fill_bounds, multi_shipment_lower_bound
from sourcing_engine.evaluate import COST_EPSILON, Evaluation, evaluate
from sourcing_engine.greedy import best_single_source, consolidate, distance_order, priority_order, walk
from sourcing_engine.plan import PlanStats
from sourcing_engine.problem import Allocation, Problem

if TYPE_CHECKING:  # OR-Tools takes most of a second to import: only orders that need the solver pay it
    from ortools.sat.python import cp_model

    from sourcing_engine.cpsat_model import SourcingModel

# Measured on the benchmark presets: presolve weakens the LP relaxation of the
# open/ship linking constraints, so that 3,000-variable orders that solve in
# 0.1 s without it cannot prove optimality in 2 s with it.  Off everywhere.
PRESOLVE = False


@dataclass(slots=True)
class Outcome:
    allocation: Allocation
    optimal: bool
    stats: PlanStats
    notes: list[str] = field(default_factory=list)
    cost_resolution: float | None = None  # the step of money in which the solver compared plans


def solve_optimal(problem: Problem, deadline: float) -> Outcome:
    started = time.perf_counter()
    stats = PlanStats(candidate_sources=len(problem.candidates))
    if problem.total_demand() == 0 or len(problem.candidates) == 0:
        stats.path = "trivial"
        return Outcome(dict(problem.fixed), True, stats)
    greedy = _greedy_plans(problem)
    best_name, best_alloc, best = min(greedy, key=lambda g: g[2].key())
    fixed_units = sum(problem.fixed.values())
    upper = fill_upper_bound(problem) + fixed_units
    proven = _single_source_proof(problem, upper)
    if proven is not None:
        stats.path = "single_source_bound"
        return Outcome(proven[0], True, stats, [proven[1]])
    deadline += _import_solver()  # the first order to need the solver must not pay its import from its time
    outcome = _solve_cp_sat(problem, deadline, best_alloc, best, upper, stats)
    solved = evaluate(problem, outcome.allocation)
    if best.key() < solved.key():  # the solver's rounding can lose a hair to the greedy
        outcome.allocation = best_alloc
        solved = best
    saving = best.objective - solved.objective
    if solved.filled > best.filled:
        outcome.notes.append(
            f"fills {solved.filled - best.filled} more unit(s) than the best greedy plan ({best_name})"
        )
    elif saving > COST_EPSILON:
        outcome.notes.append(f"costs {saving:.2f} less than the best greedy plan ({best_name})")
    else:
        outcome.notes.append(f"the best greedy plan ({best_name}) was already optimal")
    stats.total_ms = (time.perf_counter() - started) * 1000
    return outcome


def _import_solver() -> float:
    """Import OR-Tools if no order has yet; the seconds it took."""
    if "sourcing_engine.cpsat_model" in sys.modules:
        return 0.0
    started = time.perf_counter()
    import sourcing_engine.cpsat_model  # noqa: F401

    return time.perf_counter() - started


def _greedy_plans(problem: Problem) -> list[tuple[str, Allocation, Evaluation]]:
    plans = [
        ("priority", walk(problem, priority_order(problem))),
        ("distance", walk(problem, distance_order(problem))),
        ("consolidating", consolidate(problem)),
    ]
    return [(name, alloc, evaluate(problem, alloc)) for name, alloc in plans]


def _single_source_proof(problem: Problem, upper: int) -> tuple[Allocation, str] | None:
    """One source that fills the bound, cheaper than any split: optimal without a solver."""
    bounds = item_fill_bounds(problem)
    target: list[int] = []
    for item, bound in zip(problem.items, bounds, strict=True):
        units = int(problem.demand[list(item.lines)].sum())
        if bound not in (0, units):
            return None
        if bound:
            target.extend(item.lines)
    single = best_single_source(problem, target)
    if single is None:
        return None
    found = evaluate(problem, single)
    if found.filled != upper:
        return None
    bound = multi_shipment_lower_bound(problem, target)
    if found.objective > bound + COST_EPSILON:
        return None
    source = problem.index.codes[next(pos for pos in found.units_at if pos not in _fixed_sources(problem))]
    return (
        single,
        f"optimal without the solver: {source} alone fills the most units at {found.objective:.2f};"
        f" no split can cost less than {bound:.2f}",
    )


def _fixed_sources(problem: Problem) -> set[int]:
    return {pos for (_, pos) in problem.fixed}


def _solve_cp_sat(
    problem: Problem, deadline: float, hint: Allocation, hint_eval: Evaluation, upper: int, stats: PlanStats
) -> Outcome:
    from ortools.sat.python import cp_model

    from sourcing_engine.cpsat_model import build_model, maximize_fill, minimize_cost, require_fill

    t0 = time.perf_counter()
    sm = build_model(problem)
    sm.hint(problem, hint)
    fixed_units = sum(problem.fixed.values())
    stats.path = "cp_sat"
    stats.variables = sm.variables
    stats.build_ms = (time.perf_counter() - t0) * 1000
    proven = True
    if hint_eval.filled >= upper:
        fill = upper - fixed_units
    else:
        maximize_fill(sm)
        status, solver = _run(sm, deadline)
        stats.solve_ms += solver.WallTime() * 1000
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _fallback(hint, stats, "the solver found no plan in time; the best greedy plan stands")
        proven = status == cp_model.OPTIMAL
        fill = round(solver.ObjectiveValue())
        hint = sm.allocation(solver, problem)  # fills the most: the fallback if cost runs out of time
        sm.hint(problem, hint)
    require_fill(sm, fill)
    scale = minimize_cost(problem, sm)
    status, solver = _run(sm, deadline)
    stats.solve_ms += solver.WallTime() * 1000
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _fallback(hint, stats, "the solver found no cheaper plan in time; the best plan so far stands")
    proven = proven and status == cp_model.OPTIMAL
    stats.hit_time_limit = not proven
    allocation = sm.allocation(solver, problem)
    if not proven:
        note = f"time limit reached: best plan found, not proven optimal ({stats.solve_ms:.0f} ms)"
    elif not scale.holds(solver):
        proven = False
        note = (
            f"too wide a range of costs (or too many candidate sources) to compare exactly in the solver's"
            f" integers: it compared costs in steps of {scale.resolution:.3g}, so this is the best plan at that"
            " precision, not a proven optimum"
        )
    else:
        note = f"CP-SAT proved the optimum ({sm.variables} variables, {stats.solve_ms:.1f} ms)"
    return Outcome(allocation, proven, stats, [note], scale.resolution)


def _run(sm: SourcingModel, deadline: float) -> tuple[int, cp_model.CpSolver]:
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1
    params.random_seed = 7
    params.max_time_in_seconds = max(0.001, deadline - time.perf_counter())
    params.cp_model_presolve = PRESOLVE
    status = solver.Solve(sm.model)
    return status, solver


def _fallback(hint: Allocation, stats: PlanStats, note: str) -> Outcome:
    stats.fallback = True
    stats.hit_time_limit = True
    return Outcome(hint, False, stats, [note])
