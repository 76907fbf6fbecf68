"""The CP-SAT model of one order's sourcing, built in named sections.

Decision: how many units of each single line each candidate source ships
(``x``), whether each candidate ships each bundle whole (``y``), and which
sources open a shipment (``z``).  The objectives: most units filled here,
lowest cost in ``cpsat_cost``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from sourcing_engine.budget import OutOfTime
from sourcing_engine.problem import Allocation, Problem


@dataclass(slots=True)
class SourcingModel:
    model: cp_model.CpModel
    cands: list[int]
    x: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)  # (line, pos)
    y: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)  # (item index, pos)
    z: dict[int, cp_model.IntVar] = field(default_factory=dict)  # pos
    upper: dict[tuple[int, int], int] = field(default_factory=dict)  # x's upper bounds
    fill_terms: list[tuple[cp_model.IntVar, int]] = field(default_factory=list)
    hinted: Allocation | None = None  # the plan given as a hint: its cost bounds the optimum

    @property
    def variables(self) -> int:
        return len(self.x) + len(self.y) + len(self.z)

    def fill_expr(self) -> cp_model.LinearExprT:
        return cp_model.LinearExpr.WeightedSum([v for v, _ in self.fill_terms], [c for _, c in self.fill_terms])

    def allocation(self, solver: cp_model.CpSolver, problem: Problem) -> Allocation:
        allocation: Allocation = dict(problem.fixed)
        for (line, pos), var in self.x.items():
            qty = solver.Value(var)
            if qty:
                allocation[(line, pos)] = allocation.get((line, pos), 0) + qty
        for (item, pos), var in self.y.items():
            if solver.Value(var):
                for line in problem.items[item].lines:
                    qty = int(problem.demand[line])
                    if qty:
                        allocation[(line, pos)] = allocation.get((line, pos), 0) + qty
        return allocation

    def hint(self, problem: Problem, allocation: Allocation) -> None:
        self.model.clear_hints()
        self.hinted = allocation
        for key, var in self.x.items():
            self.model.add_hint(var, allocation.get(key, 0) - problem.fixed.get(key, 0))
        for (item, pos), var in self.y.items():
            first = problem.items[item].lines[0]
            self.model.add_hint(var, allocation.get((first, pos), 0) > 0)
        used = {pos for (_, pos), qty in allocation.items() if qty > 0}
        for pos, var in self.z.items():
            self.model.add_hint(var, pos in used)


class LeanModel(cp_model.CpModel):
    """A CP-SAT model without the camelCase aliases OR-Tools attaches to every new model.

    Attaching them walks the class and wraps some fifty methods: about a millisecond per model,
    a third of what sourcing a small order costs.  Our models call the snake_case methods only.
    """

    def _add_pre_pep8_methods(self) -> None:
        pass


def build_model(problem: Problem, deadline: float = float("inf")) -> SourcingModel:
    """The model in named sections; raises ``OutOfTime`` if ``deadline`` (perf_counter) passes first."""
    sm = SourcingModel(model=LeanModel(), cands=[int(p) for p in problem.candidates])
    for section in (_variables, _line_demand, _stock, _shipment_opening, _shipment_limit):
        if time.perf_counter() > deadline:
            raise OutOfTime
        section(problem, sm)
    return sm


def _variables(problem: Problem, sm: SourcingModel) -> None:
    m = sm.model
    cands = np.array(sm.cands, dtype=np.int64)
    for pos in sm.cands:
        sm.z[pos] = m.new_bool_var(f"open[{pos}]")
    # Every line's upper bound at the candidates holding its SKU: min(demand, stock), in (line, source) order.
    pairs = problem.pairs().open(problem.demand)
    bounds = np.minimum(pairs.avail, problem.demand[pairs.line])
    starts = np.searchsorted(pairs.line, np.arange(len(problem.lines) + 1))
    fits = _bundle_fits(problem, cands)
    for index, item in enumerate(problem.items):
        lines = list(item.lines)
        units = int(problem.demand[lines].sum())
        if units == 0:
            continue
        if item.bundle is not None:
            for c in np.flatnonzero(fits[index]).tolist():
                var = m.new_bool_var(f"bundle[{index},{sm.cands[c]}]")
                sm.y[(index, sm.cands[c])] = var
                sm.fill_terms.append((var, units))
            continue
        line = lines[0]
        span = slice(starts[line], starts[line + 1])
        for c, bound in zip(pairs.at[span].tolist(), bounds[span].tolist(), strict=True):
            pos = sm.cands[c]
            var = m.new_int_var(0, bound, f"take[{line},{pos}]")
            sm.x[(line, pos)] = var
            sm.upper[(line, pos)] = bound
            sm.fill_terms.append((var, 1))


def _bundle_fits(problem: Problem, cands: np.ndarray) -> dict[int, np.ndarray]:
    """Per bundle item, over the candidates: may ship every line and holds all of it."""
    fits: dict[int, np.ndarray] = {}
    for index, item in enumerate(problem.items):
        if item.bundle is None:
            continue
        lines = list(item.lines)
        ok = problem.allowed[np.ix_(lines, cands)].all(axis=0)
        need: dict[int, int] = {}
        for line in lines:
            k = int(problem.sku_of[line])
            need[k] = need.get(k, 0) + int(problem.demand[line])
        for k, q in need.items():
            ok &= problem.avail[k, cands] >= q
        fits[index] = ok
    return fits


def _line_demand(problem: Problem, sm: SourcingModel) -> None:
    # A line never ships more than ordered; a bundle ships from one source at most.
    by_line: dict[int, list[cp_model.IntVar]] = {}
    for (line, _), var in sm.x.items():
        by_line.setdefault(line, []).append(var)
    for line, vars_ in by_line.items():
        if len(vars_) > 1:
            sm.model.add(cp_model.LinearExpr.Sum(vars_) <= int(problem.demand[line]))
    by_item: dict[int, list[cp_model.IntVar]] = {}
    for (item, _), var in sm.y.items():
        by_item.setdefault(item, []).append(var)
    for vars_ in by_item.values():
        if len(vars_) > 1:
            sm.model.add_at_most_one(vars_)


def _stock(problem: Problem, sm: SourcingModel) -> None:
    # What all lines and bundles take of a SKU at a source fits its available stock.
    terms: dict[tuple[int, int], list[tuple[cp_model.IntVar, int]]] = {}
    most: dict[tuple[int, int], int] = {}
    for (line, pos), var in sm.x.items():
        key = (int(problem.sku_of[line]), pos)
        terms.setdefault(key, []).append((var, 1))
        most[key] = most.get(key, 0) + sm.upper[(line, pos)]
    for (item, pos), var in sm.y.items():
        for line in problem.items[item].lines:
            qty = int(problem.demand[line])
            if qty:
                key = (int(problem.sku_of[line]), pos)
                terms.setdefault(key, []).append((var, qty))
                most[key] = most.get(key, 0) + qty
    for (sku, pos), pairs in terms.items():
        cap = int(problem.avail[sku, pos])
        if len(pairs) < 2 or most[(sku, pos)] <= cap:
            continue  # the variables' own bounds already respect the stock
        sm.model.add(cp_model.LinearExpr.WeightedSum([v for v, _ in pairs], [c for _, c in pairs]) <= cap)


def _shipment_opening(problem: Problem, sm: SourcingModel) -> None:
    # A source ships only if its shipment is open, and an open shipment carries something.
    at: dict[int, list[cp_model.IntVar]] = {pos: [] for pos in sm.cands}
    for (line, pos), var in sm.x.items():
        sm.model.add(var <= sm.upper[(line, pos)] * sm.z[pos])
        at[pos].append(var)
    for (_, pos), var in sm.y.items():
        sm.model.add_implication(var, sm.z[pos])
        at[pos].append(var)
    for pos, vars_ in at.items():
        if vars_:
            sm.model.add(cp_model.LinearExpr.Sum(vars_) >= sm.z[pos])
        else:
            sm.model.add(sm.z[pos] == 0)


def _shipment_limit(problem: Problem, sm: SourcingModel) -> None:
    # At most max_shipments physical shipments, counting the pickup store's own.
    limit = problem.sourcing_shipment_limit
    if limit is not None and limit < len(sm.z):
        sm.model.add(cp_model.LinearExpr.Sum(list(sm.z.values())) <= limit)


def require_fill(sm: SourcingModel, units: int) -> None:
    sm.model.add(sm.fill_expr() == units)


def require_items(problem: Problem, sm: SourcingModel, item_bounds: list[int]) -> None:
    """Every item gets exactly ``item_bounds[i]`` units: a whole bundle from one source, a line its bound."""
    singles: dict[int, list[cp_model.IntVar]] = {}
    for (line, _), var in sm.x.items():
        singles.setdefault(line, []).append(var)
    bundles: dict[int, list[cp_model.IntVar]] = {}
    for (item, _), var in sm.y.items():
        bundles.setdefault(item, []).append(var)
    for index, (item, bound) in enumerate(zip(problem.items, item_bounds, strict=True)):
        if bound == 0:
            continue
        if item.bundle is not None:
            sm.model.add(cp_model.LinearExpr.Sum(bundles.get(index, [])) == 1)
        else:
            sm.model.add(cp_model.LinearExpr.Sum(singles.get(item.lines[0], [])) == bound)


def maximize_fill(sm: SourcingModel) -> None:
    sm.model.maximize(sm.fill_expr())
