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
from sourcing_engine.budget import ALWAYS_BUILT, BUILD_SHARE, OutOfTime, fit
from sourcing_engine.evaluate import COST_EPSILON, Evaluation, evaluate
from sourcing_engine.greedy import best_single_source, consolidate, distance_order, priority_order, walk
from sourcing_engine.plan import PlanStats
from sourcing_engine.problem import Allocation, Problem
from sourcing_engine.prune import prune

if TYPE_CHECKING:  # OR-Tools takes most of a second to import: only orders that need the solver pay it
    from ortools.sat.python import cp_model

    from sourcing_engine.cpsat_model import SourcingModel

# Measured on the benchmark presets: presolve weakens the LP relaxation of the
# open/ship linking constraints, so that 3,000-variable orders that solve in
# 0.1 s without it cannot prove optimality in 2 s with it.  Off everywhere.
PRESOLVE = False
# CP-SAT's linearization level (1 is its default; 2 adds cuts) and its workers: measured at scale,
# level 2 is neutral and a second worker costs CPU without speeding the proof (docs/engine.md).
LINEARIZATION = 1
WORKERS = 1
# CP-SAT's cut generation (its default is 1): on the pruned models the cuts cost more than they
# prune; off, the slowest 1,000-source x 20-50 line orders solve in half the CPU time (p99 163 -> 85 ms
# over 80 orders), the median is unchanged.
CUT_LEVEL = 0
# Write the fill per item when the fill target forces every item to its bound (see _solve_cp_sat).
ITEM_EQUALITIES = True
# Further CP-SAT parameters by name, for measuring (benchmarks/scale.py --variant); none by default.
EXTRA_PARAMETERS: dict[str, object] = {}


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
    greedy = _greedy_plans(problem, deadline)
    best_name, best_alloc, best = min(greedy, key=lambda g: g[2].key())
    fixed_units = sum(problem.fixed.values())
    item_bounds = item_fill_bounds(problem)
    upper = fill_upper_bound(problem, item_bounds) + fixed_units
    proven = _single_source_proof(problem, upper, item_bounds)
    if proven is not None:
        stats.path = "single_source_bound"
        return Outcome(proven[0], True, stats, [proven[1]])
    deadline += _import_solver()  # the first order to need the solver must not pay its import from its time
    if time.perf_counter() >= deadline:
        stats.path = best_name
        outcome = _fallback(best_alloc, stats, "time limit reached before the solver could start")
    else:
        outcome = _solve_cp_sat(problem, deadline, best_alloc, best, (upper, item_bounds), stats)
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


def _greedy_plans(problem: Problem, deadline: float) -> list[tuple[str, Allocation, Evaluation]]:
    """The greedy plans, as many as the time allows (Magento's priority walk always)."""
    plans = []
    for name, plan in (
        ("priority", lambda: walk(problem, priority_order(problem))),
        ("distance", lambda: walk(problem, distance_order(problem))),
        ("consolidating", lambda: consolidate(problem)),
    ):
        if plans and time.perf_counter() >= deadline:
            break
        allocation = plan()
        plans.append((name, allocation, evaluate(problem, allocation)))
    return plans


def _single_source_proof(problem: Problem, upper: int, bounds: list[int]) -> tuple[Allocation, str] | None:
    """One source that fills the bound, cheaper than any split: optimal without a solver."""
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
    problem: Problem,
    deadline: float,
    hint: Allocation,
    hint_eval: Evaluation,
    bounds: tuple[int, list[int]],
    stats: PlanStats,
) -> Outcome:
    from ortools.sat.python import cp_model

    from sourcing_engine.cpsat_cost import minimize_cost
    from sourcing_engine.cpsat_model import build_model, maximize_fill, require_fill, require_items

    upper, item_bounds = bounds
    t0 = time.perf_counter()
    stats.path = "cp_sat"
    pruned = prune(problem)
    problem, hint = pruned.problem, pruned.moved(hint)
    sized = fit(problem, hint, deadline - time.perf_counter())
    problem = sized.problem
    stats.modelled_sources = len(problem.candidates)
    try:
        # Small models build in milliseconds: no deadline, so that a stalled clock cannot cost their proof.
        build_deadline = t0 + BUILD_SHARE * (deadline - t0) if sized.variables > ALWAYS_BUILT else float("inf")
        sm = build_model(problem, build_deadline)
        sm.hint(problem, hint)
    except OutOfTime:
        stats.build_ms = (time.perf_counter() - t0) * 1000
        return _fallback(
            hint, stats, f"the order is too large to model in the time limit ({sized.variables} variables)"
        )
    fixed_units = sum(problem.fixed.values())
    stats.variables = sm.variables
    stats.build_ms = (time.perf_counter() - t0) * 1000
    proven = not sized.partial
    if hint_eval.filled >= upper:
        fill = upper - fixed_units
    else:
        maximize_fill(sm)
        status, solver = _run(sm, deadline)
        stats.solve_ms += solver.WallTime() * 1000
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _fallback(hint, stats, "the solver found no plan in time; the best greedy plan stands")
        proven = proven and status == cp_model.OPTIMAL
        fill = round(solver.ObjectiveValue())
        hint = sm.allocation(solver, problem)  # fills the most: the fallback if cost runs out of time
        sm.hint(problem, hint)
    require_fill(sm, fill)
    if ITEM_EQUALITIES and fill == sum(item_bounds):
        # Each item is at most its own bound, so a fill equal to their sum puts every item at its bound:
        # per-line equalities that the LP relaxation uses far better than the one total.
        require_items(problem, sm, item_bounds)
    scale = minimize_cost(problem, sm)
    status, solver = _run(sm, deadline)
    stats.solve_ms += solver.WallTime() * 1000
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _fallback(hint, stats, "the solver found no cheaper plan in time; the best plan so far stands")
    solved = status == cp_model.OPTIMAL
    stats.hit_time_limit = not (proven and solved)
    allocation = sm.allocation(solver, problem)
    exact = scale.holds(solver)
    if sized.partial:
        note = (
            f"too large to model in the time limit: the model kept {sized.kept} of {sized.of} candidate sources"
            f" ({sm.variables} variables); best plan found, not proven optimal"
        )
    elif not (proven and solved):
        note = f"time limit reached: best plan found, not proven optimal ({stats.solve_ms:.0f} ms)"
    elif not exact:
        note = (
            f"too wide a range of costs (or too many candidate sources) to compare exactly in the solver's"
            f" integers: it compared costs in steps of {scale.resolution:.3g}, so this is the best plan at that"
            " precision, not a proven optimum"
        )
    else:
        note = f"CP-SAT proved the optimum ({sm.variables} variables, {stats.solve_ms:.1f} ms)"
    return Outcome(allocation, proven and solved and exact, stats, [note], scale.resolution)


def _run(sm: SourcingModel, deadline: float) -> tuple[int, cp_model.CpSolver]:
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = WORKERS
    params.random_seed = 7
    params.max_time_in_seconds = max(0.001, deadline - time.perf_counter())
    params.cp_model_presolve = PRESOLVE
    params.linearization_level = LINEARIZATION
    params.cut_level = CUT_LEVEL
    for name, value in EXTRA_PARAMETERS.items():
        setattr(params, name, value)
    status = solver.Solve(sm.model)
    return status, solver


def _fallback(hint: Allocation, stats: PlanStats, note: str) -> Outcome:
    stats.fallback = True
    stats.hit_time_limit = True
    return Outcome(hint, False, stats, [note])
