"""The joint CP-SAT model of a group of orders drawing on one shared stock, in named sections.

Each order keeps the variables of the single-order model (``take`` units of a
line at a source, ``bundle`` whole at a source, ``open`` a shipment at a
source) over its own ``Problem``; the orders meet only in the stock rows of
the (SKU, source) pairs they share.  Every order is held to at least the units
its sequential plan filled (the fairness guarantee), so the sequential plan is
always a feasible answer and serves as the solver's hint.  The cost
objective is in ``wave_cost``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from sourcing_engine.cpsat_model import LeanModel
from sourcing_engine.problem import Allocation, Problem

FULL_ITEM_EQUALITIES = True

# (sku, network position) -> units the group may take there
StockAt = Callable[[str, int], int]


@dataclass(slots=True)
class WaveOrder:
    """One order of a joint group: its problem and what the sequential plan gave it."""

    problem: Problem
    sequential: Allocation  # the sequential plan's physical allocation, in the problem's indices
    sequential_fill: int


@dataclass(slots=True)
class JointModel:
    model: cp_model.CpModel
    orders: list[WaveOrder]
    x: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)  # (order, line, pos)
    y: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)  # (order, item, pos)
    z: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)  # (order, pos)
    upper: dict[tuple[int, int, int], int] = field(default_factory=dict)
    fill: list[list[tuple[cp_model.IntVar, int]]] = field(default_factory=list)  # per order
    extra_cost: list[tuple[cp_model.IntVar, float]] = field(default_factory=list)  # rule indicators
    own_x: list[dict[tuple[int, int], cp_model.IntVar]] = field(default_factory=list)  # per order: (line, pos)
    own_y: list[dict[tuple[int, int], cp_model.IntVar]] = field(default_factory=list)  # per order: (item, pos)

    @property
    def variables(self) -> int:
        return len(self.x) + len(self.y) + len(self.z)

    def fill_expr(self, order: int | None = None) -> cp_model.LinearExprT:
        terms = self.fill[order] if order is not None else [t for per in self.fill for t in per]
        return cp_model.LinearExpr.WeightedSum([v for v, _ in terms], [c for _, c in terms])

    def allocations(self, solver: cp_model.CpSolver) -> list[Allocation]:
        out: list[Allocation] = [dict(o.problem.fixed) for o in self.orders]
        for (o, line, pos), var in self.x.items():
            qty = solver.Value(var)
            if qty:
                out[o][(line, pos)] = out[o].get((line, pos), 0) + qty
        for (o, item, pos), var in self.y.items():
            if solver.Value(var):
                problem = self.orders[o].problem
                for line in problem.items[item].lines:
                    qty = int(problem.demand[line])
                    if qty:
                        out[o][(line, pos)] = out[o].get((line, pos), 0) + qty
        return out

    def hint(self, allocations: list[Allocation]) -> None:
        self.model.clear_hints()
        for (o, line, pos), var in self.x.items():
            fixed = self.orders[o].problem.fixed.get((line, pos), 0)
            self.model.add_hint(var, allocations[o].get((line, pos), 0) - fixed)
        for (o, item, pos), var in self.y.items():
            first = self.orders[o].problem.items[item].lines[0]
            self.model.add_hint(var, allocations[o].get((first, pos), 0) > 0)
        used = {(o, pos) for o, alloc in enumerate(allocations) for (_, pos), q in alloc.items() if q > 0}
        for key, var in self.z.items():
            self.model.add_hint(var, key in used)


def build_joint_model(orders: list[WaveOrder], stock_at: StockAt) -> JointModel:
    jm = JointModel(model=LeanModel(), orders=orders)
    for o, wave_order in enumerate(orders):
        jm.fill.append([])
        jm.own_x.append({})
        jm.own_y.append({})
        _variables(jm, o, wave_order.problem, stock_at)
        _line_demand(jm, o, wave_order.problem)
        _shipment_opening(jm, o, wave_order.problem)
        _shipment_limit(jm, o, wave_order.problem)
        _line_terms(jm, o, wave_order.problem)
        _first_shipment_credit(jm, o, wave_order.problem)
        _fairness(jm, o, wave_order)
    _shared_stock(jm, stock_at)
    return jm


def _variables(jm: JointModel, o: int, problem: Problem, stock_at: StockAt) -> None:
    m = jm.model
    cands = [int(p) for p in problem.candidates]
    for pos in cands:
        jm.z[(o, pos)] = m.new_bool_var(f"open[{o},{pos}]")
    for index, item in enumerate(problem.items):
        lines = list(item.lines)
        units = int(problem.demand[lines].sum())
        if units == 0:
            continue
        if item.bundle is not None:
            for pos in cands:
                if _bundle_fits(problem, lines, pos, stock_at):
                    var = m.new_bool_var(f"bundle[{o},{index},{pos}]")
                    jm.y[(o, index, pos)] = var
                    jm.own_y[o][(index, pos)] = var
                    jm.fill[o].append((var, units))
            continue
        line = lines[0]
        for pos in cands:
            upper = int(min(problem.demand[line], stock_at(problem.lines[line].sku, pos)))
            if upper > 0 and problem.allowed[line, pos]:
                var = m.new_int_var(0, upper, f"take[{o},{line},{pos}]")
                jm.x[(o, line, pos)] = var
                jm.own_x[o][(line, pos)] = var
                jm.upper[(o, line, pos)] = upper
                jm.fill[o].append((var, 1))


def _bundle_fits(problem: Problem, lines: list[int], pos: int, stock_at: StockAt) -> bool:
    if not problem.allowed[lines, pos].all():
        return False
    need: dict[str, int] = {}
    for line in lines:
        sku = problem.lines[line].sku
        need[sku] = need.get(sku, 0) + int(problem.demand[line])
    return all(stock_at(sku, pos) >= q for sku, q in need.items())


def _line_demand(jm: JointModel, o: int, problem: Problem) -> None:
    # A line never ships more than ordered; a bundle ships from one source at most.
    by_line: dict[int, list[cp_model.IntVar]] = {}
    by_item: dict[int, list[cp_model.IntVar]] = {}
    for (line, _), var in jm.own_x[o].items():
        by_line.setdefault(line, []).append(var)
    for (item, _), var in jm.own_y[o].items():
        by_item.setdefault(item, []).append(var)
    for line, vars_ in by_line.items():
        if len(vars_) > 1:
            jm.model.add(cp_model.LinearExpr.Sum(vars_) <= int(problem.demand[line]))
    for vars_ in by_item.values():
        if len(vars_) > 1:
            jm.model.add_at_most_one(vars_)


def _shipment_opening(jm: JointModel, o: int, problem: Problem) -> None:
    # A source ships only if its shipment is open, and an open shipment carries something.
    at: dict[int, list[cp_model.IntVar]] = {int(pos): [] for pos in problem.candidates}
    for (line, pos), var in jm.own_x[o].items():
        jm.model.add(var <= jm.upper[(o, line, pos)] * jm.z[(o, pos)])
        at[pos].append(var)
    for (_, pos), var in jm.own_y[o].items():
        jm.model.add_implication(var, jm.z[(o, pos)])
        at[pos].append(var)
    for pos, vars_ in at.items():
        if vars_:
            jm.model.add(cp_model.LinearExpr.Sum(vars_) >= jm.z[(o, pos)])
        else:
            jm.model.add(jm.z[(o, pos)] == 0)


def _shipment_limit(jm: JointModel, o: int, problem: Problem) -> None:
    # At most max_shipments physical shipments per order.
    limit = problem.sourcing_shipment_limit
    opened = [jm.z[(o, int(pos))] for pos in problem.candidates]
    if limit is not None and limit < len(opened):
        jm.model.add(cp_model.LinearExpr.Sum(opened) <= limit)


def _line_terms(jm: JointModel, o: int, problem: Problem) -> None:
    # Per-shipment rule amounts that apply to some lines only: one indicator per (term, source).
    if not problem.line_terms:
        return
    used: dict[tuple[int, int], cp_model.IntVar] = {}
    for (line, pos), var in jm.own_x[o].items():
        mark = jm.model.new_bool_var(f"uses[{o},{line},{pos}]")
        jm.model.add(var >= 1).OnlyEnforceIf(mark)
        jm.model.add(var == 0).OnlyEnforceIf(mark.Not())
        used[(line, pos)] = mark
    for (item, pos), var in jm.own_y[o].items():
        for line in problem.items[item].lines:
            used[(line, pos)] = var
    for t, term in enumerate(problem.line_terms):
        for pos in problem.candidates:
            marks = [used[(line, int(pos))] for line in term.lines if (line, int(pos)) in used]
            if not term.sources[pos] or not marks:
                continue
            ind = jm.model.new_bool_var(f"term[{o},{t},{pos}]")
            if term.amount >= 0:
                for mark in marks:
                    jm.model.add_implication(mark, ind)
            else:
                jm.model.add_bool_or(marks).OnlyEnforceIf(ind)
            jm.extra_cost.append((ind, term.amount))


def _first_shipment_credit(jm: JointModel, o: int, problem: Problem) -> None:
    # The split penalty is charged per shipment but the first one is no split: credit it back.
    opened = [jm.z[(o, int(pos))] for pos in problem.candidates]
    if problem.split_penalty == 0 or not opened:
        return
    ships = jm.model.new_bool_var(f"ships[{o}]")
    jm.model.add_max_equality(ships, opened)
    jm.extra_cost.append((ships, -problem.split_penalty))


def _fairness(jm: JointModel, o: int, wave_order: WaveOrder) -> None:
    # Every order fills at least what sequential sourcing gave it.  An order the sequential plan
    # filled completely must fill every item completely again: one equality per item, which the
    # LP relaxation uses far better than the order's one total (as ``require_items`` for one order).
    problem = wave_order.problem
    if wave_order.sequential_fill <= 0:
        return
    if FULL_ITEM_EQUALITIES and wave_order.sequential_fill >= int(problem.demand.sum()) + sum(problem.fixed.values()):
        _every_item_filled(jm, o, problem)
        return
    jm.model.add(jm.fill_expr(o) >= wave_order.sequential_fill)


def _every_item_filled(jm: JointModel, o: int, problem: Problem) -> None:
    singles: dict[int, list[cp_model.IntVar]] = {}
    for (line, _), var in jm.own_x[o].items():
        singles.setdefault(line, []).append(var)
    bundles: dict[int, list[cp_model.IntVar]] = {}
    for (item, _), var in jm.own_y[o].items():
        bundles.setdefault(item, []).append(var)
    for index, item in enumerate(problem.items):
        if int(problem.demand[list(item.lines)].sum()) == 0:
            continue
        if item.bundle is not None:
            jm.model.add(cp_model.LinearExpr.Sum(bundles.get(index, [])) == 1)
        else:
            line = item.lines[0]
            jm.model.add(cp_model.LinearExpr.Sum(singles.get(line, [])) == int(problem.demand[line]))


def _shared_stock(jm: JointModel, stock_at: StockAt) -> None:
    # What all orders take of a SKU at a source fits the stock the group may use there.
    terms: dict[tuple[str, int], list[tuple[cp_model.IntVar, int]]] = {}
    most: dict[tuple[str, int], int] = {}
    for (o, line, pos), var in jm.x.items():
        key = (jm.orders[o].problem.lines[line].sku, pos)
        terms.setdefault(key, []).append((var, 1))
        most[key] = most.get(key, 0) + jm.upper[(o, line, pos)]
    for (o, item, pos), var in jm.y.items():
        problem = jm.orders[o].problem
        for line in problem.items[item].lines:
            qty = int(problem.demand[line])
            if qty:
                key = (problem.lines[line].sku, pos)
                terms.setdefault(key, []).append((var, qty))
                most[key] = most.get(key, 0) + qty
    for key, pairs in terms.items():
        cap = stock_at(*key)
        if len(pairs) < 2 or most[key] <= cap:
            continue  # the variables' own bounds already respect the stock
        jm.model.add(cp_model.LinearExpr.WeightedSum([v for v, _ in pairs], [c for _, c in pairs]) <= cap)


def maximize_fill(jm: JointModel) -> None:
    jm.model.maximize(jm.fill_expr())


def require_fill(jm: JointModel, units: int) -> None:
    jm.model.add(jm.fill_expr() >= units)
