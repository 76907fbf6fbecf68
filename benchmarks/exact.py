"""An independent exact model of one order's sourcing, solved as a MIP with HiGHS.

Written from the contract (docs/contract.md), not from the engine's CP-SAT
model or its ``Problem`` arrays, so that each checks the other: stock comes
from the raw rows (``StockLedger``), distances from our own great-circle
formula, eligibility from capabilities and the directives' masks.

Two lexicographic phases, as the contract orders them: maximize the units
filled from stock; then, with the fill fixed, minimize shipping cost plus the
rules' amounts. The LP relaxation of the second phase is a lower bound on
the cost of any plan that fills as much.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass

import highspy
import numpy as np

from benchmarks.exact_model import formulate
from benchmarks.mip_matrix import Formulation
from sourcing_engine.directives import Directives
from sourcing_engine.ledger import StockLedger
from sourcing_engine.model import Order

INF = highspy.kHighsInf


@dataclass(frozen=True, slots=True)
class ExactResult:
    fill: int  # units filled from stock (physical lines, the pickup store's own stock included)
    cost: float  # shipping cost of the MIP's plan
    objective: float  # cost plus the rules' amounts: what was minimized
    lp_bound: float  # LP relaxation's objective at the same fill: no plan can cost less
    shipments: int
    proven: bool  # both phases solved to optimality within the time limit
    ms: float
    variables: int


def solve_exact(order: Order, stock: StockLedger, directives: Directives | None = None,
                time_limit: float = 30.0) -> ExactResult:
    started = time.perf_counter()
    f = formulate(order, stock, directives or Directives())
    if f.columns == 0:
        cost = f.constant_cost
        objective = cost + f.constant_adjustment - (f.first_shipment_credit if f.store_fixed else 0.0)
        return ExactResult(f.fixed_units, cost, objective, objective, int(f.store_fixed), True,
                           (time.perf_counter() - started) * 1000, 0)
    deadline = started + time_limit
    h = _highs(f, deadline)
    # Phase 1: the most units.
    h.changeColsCost(f.columns, np.arange(f.columns, dtype=np.int32), f.fill_coef)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.run()
    proven = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    fill = round(h.getInfo().objective_function_value) if h.getInfo().primal_solution_status else 0
    # Phase 2: the cheapest plan at that fill.
    nz = np.flatnonzero(f.fill_coef)
    h.addRow(fill, fill, len(nz), nz.astype(np.int32), f.fill_coef[nz])
    h.changeColsCost(f.columns, np.arange(f.columns, dtype=np.int32), f.cost_coef + f.adj_coef)
    h.changeObjectiveSense(highspy.ObjSense.kMinimize)
    h.setOptionValue("time_limit", max(0.01, deadline - time.perf_counter()))
    h.run()
    proven = proven and h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    values = np.array(h.getSolution().col_value)
    shipments = round(values[f.open_columns].sum()) + (1 if f.store_fixed else 0)
    constant = f.constant_cost + f.constant_adjustment - (f.first_shipment_credit if shipments else 0.0)
    objective = float(values @ (f.cost_coef + f.adj_coef)) + constant
    cost = float(values @ f.cost_coef) + f.constant_cost
    # The LP relaxation of phase 2: a lower bound on any plan at this fill.
    h.changeColsIntegrality(f.columns, np.arange(f.columns, dtype=np.int32),
                            np.zeros(f.columns, dtype=np.uint8))
    h.setOptionValue("time_limit", max(0.01, deadline - time.perf_counter()))
    h.run()
    lp = h.getInfo().objective_function_value + constant
    lp_ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return ExactResult(
        fill=fill + f.fixed_units, cost=cost, objective=objective, lp_bound=float(lp) if lp_ok else float("nan"),
        shipments=shipments, proven=proven, ms=(time.perf_counter() - started) * 1000, variables=f.columns,
    )


def _highs(f: Formulation, deadline: float) -> highspy.Highs:
    h = _new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 7)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1e-7)
    h.setOptionValue("time_limit", max(0.01, deadline - time.perf_counter()))
    h.addVars(f.columns, f.lower, f.upper)
    h.changeColsIntegrality(f.columns, np.arange(f.columns, dtype=np.int32),
                            np.full(f.columns, 1, dtype=np.uint8))  # 1 = integer
    starts, index, value = f.rows.csr()
    h.addRows(len(f.rows.lower), np.array(f.rows.lower), np.array(f.rows.upper), len(index), starts, index, value)
    return h


_banner_shown = False


def _new_highs() -> highspy.Highs:
    """A HiGHS instance; the first one prints a banner on the C stdout, which we silence."""
    global _banner_shown
    if _banner_shown:
        return highspy.Highs()
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _banner_shown = True
    return h
