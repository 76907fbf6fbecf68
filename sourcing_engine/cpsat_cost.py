"""The cost objective of one order's CP-SAT model, and how money became integers in it.

Costs are scaled to integers; the objective is ``T * cost + tie-break`` where
the tie-break (shipments, then source rank) never outweighs one unit of scaled
cost.  The scale is sized from the instance so that no objective leaves the
integers a double holds exactly; where that costs resolution the plan is not
claimed optimal.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from sourcing_engine.cpsat_model import SourcingModel
from sourcing_engine.problem import Allocation, Problem

# Keep |objective| well inside a double's exact integers: CP-SAT's LP works in doubles.
MAX_OBJECTIVE = 2**50
COST_SCALE = 1e5


@dataclass(frozen=True, slots=True)
class CostScale:
    """How money became integers in the objective, and whether plans were compared exactly."""

    factor: float  # objective units per unit of money (before the tie-break's spread)
    exact: bool  # every cost was resolved to 1 / COST_SCALE: the optimum is the optimum
    cap: float = float("inf")  # no variable costs more than this in the objective
    clamped: tuple[cp_model.IntVar, ...] = ()  # the variables whose cost was capped (no optimum uses them)

    @property
    def resolution(self) -> float:
        """The step of money in which the solver compared plans."""
        return 1.0 / self.factor

    def holds(self, solver: cp_model.CpSolver) -> bool:
        """Whether the solution compared plans exactly: its optimum is the optimum in money."""
        return self.exact and not any(solver.Value(var) for var in self.clamped)


def minimize_cost(problem: Problem, sm: SourcingModel) -> CostScale:
    """Sets the lexicographic cost objective; says how costs were scaled to integers."""
    rank = problem.index.rank
    per_shipment = int(sum(int(rank[pos]) for pos in sm.cands)) + 1  # outweighs any rank sum
    tie_span = (len(sm.cands) + 1) * per_shipment
    terms = _cost_terms(problem, sm)
    ties = {id(var): per_shipment + int(rank[pos]) for pos, var in sm.z.items()}
    scale = cost_scale(terms, tie_span, _hint_ceiling(problem, sm, terms))
    variables: list[cp_model.IntVar] = []
    coefs: list[int] = []
    for var, money, _ in terms:
        money = min(money, scale.cap)
        variables.append(var)
        coefs.append(tie_span * round(money * scale.factor) + ties.get(id(var), 0))
    sm.model.minimize(cp_model.LinearExpr.WeightedSum(variables, coefs))
    return scale


CostTerm = tuple[cp_model.IntVar, float, int]  # variable, money per unit of it, its upper bound


def _cost_terms(problem: Problem, sm: SourcingModel) -> list[CostTerm]:
    """Every variable of the objective with its cost in money (shipping plus the rules' amounts)."""
    terms: list[CostTerm] = []
    for pos, var in sm.z.items():
        terms.append((var, float(problem.base[pos] + problem.base_adj[pos]), 1))
    for (line, pos), var in sm.x.items():
        terms.append((var, float(problem.unit[pos] + problem.unit_adj[line, pos]), sm.upper[(line, pos)]))
    for (item, pos), var in sm.y.items():
        money = sum(
            int(problem.demand[ln]) * (problem.unit[pos] + problem.unit_adj[ln, pos])
            for ln in problem.items[item].lines
        )
        terms.append((var, float(money), 1))
    for term_var, amount in _line_term_vars(problem, sm):
        terms.append((term_var, float(amount), 1))
    return terms


def cost_scale(terms: list[CostTerm], tie_span: int, ceiling: float | None) -> CostScale:
    """The scale from money to integers, sized from the instance so that no objective leaves MAX_OBJECTIVE.

    With a plan of known cost (``ceiling``), a variable whose cost alone exceeds
    what any better plan can cost is capped: a plan using it is worse than the
    known one either way, so the optimum is unchanged and the remaining costs
    keep their precision.  When the objective's range still does not fit at
    COST_SCALE, the scale shrinks and the plan cannot be proven optimal.
    """
    cap = _cap(terms, ceiling)
    clamped = tuple(var for var, money, _ in terms if money > cap)
    span = sum(abs(min(money, cap)) * upper for _, money, upper in terms)
    factor = min(COST_SCALE, MAX_OBJECTIVE / (tie_span * max(span, 1.0)))
    return CostScale(factor, factor >= COST_SCALE, cap, clamped)


def _cap(terms: list[CostTerm], ceiling: float | None) -> float:
    if ceiling is None:
        return float("inf")
    floor = sum(min(money, 0.0) * upper for _, money, upper in terms)  # the least any plan can cost
    return ceiling - floor + 1.0  # a margin of one unit of money over the rounding of the rest


def _hint_ceiling(problem: Problem, sm: SourcingModel, terms: list[CostTerm]) -> float | None:
    """What the hinted plan costs in the objective's terms; None when the hint is no plan of this model."""
    if sm.hinted is None:
        return None
    values = _hint_values(problem, sm, sm.hinted)
    if values is None:
        return None
    total = 0.0
    for var, money, _ in terms:
        value = values.get(id(var))
        if value is None:  # a rule's per-shipment indicator: counted when it costs, so the total stays an upper bound
            value = 1 if money > 0 else 0
        total += money * value
    return total


def _hint_values(problem: Problem, sm: SourcingModel, allocation: Allocation) -> dict[int, int] | None:
    values: dict[int, int] = {}
    bundled = {
        line: index for index, item in enumerate(problem.items) if item.bundle is not None for line in item.lines
    }
    for (line, pos), qty in allocation.items():
        qty -= problem.fixed.get((line, pos), 0)
        if qty <= 0:
            continue
        if (line, pos) in sm.x and qty <= sm.upper[(line, pos)]:
            values[id(sm.x[(line, pos)])] = qty
        elif line in bundled and (bundled[line], pos) in sm.y:
            values[id(sm.y[(bundled[line], pos)])] = 1
        else:
            return None
    used = {pos for (line, pos), qty in allocation.items() if qty - problem.fixed.get((line, pos), 0) > 0}
    for pos, var in sm.z.items():
        values[id(var)] = int(pos in used)
    for var in [*sm.x.values(), *sm.y.values()]:
        values.setdefault(id(var), 0)
    return values


def _line_term_vars(problem: Problem, sm: SourcingModel) -> list[tuple[cp_model.IntVar, float]]:
    """Indicators for per-shipment rule amounts that apply to some lines only."""
    out: list[tuple[cp_model.IntVar, float]] = []
    if not problem.line_terms:
        return out
    used = _line_used(problem, sm)
    for t, term in enumerate(problem.line_terms):
        for pos in sm.cands:
            if not term.sources[pos]:
                continue
            marks = [used[(line, pos)] for line in term.lines if (line, pos) in used]
            if not marks:
                continue
            ind = sm.model.new_bool_var(f"term[{t},{pos}]")
            if term.amount >= 0:
                for mark in marks:
                    sm.model.add_implication(mark, ind)
            else:
                sm.model.add_bool_or(marks).OnlyEnforceIf(ind)
            out.append((ind, term.amount))
    return out


def _line_used(problem: Problem, sm: SourcingModel) -> dict[tuple[int, int], cp_model.IntVar]:
    used: dict[tuple[int, int], cp_model.IntVar] = {}
    for (line, pos), var in sm.x.items():
        mark = sm.model.new_bool_var(f"uses[{line},{pos}]")
        sm.model.add(var >= 1).OnlyEnforceIf(mark)
        sm.model.add(var == 0).OnlyEnforceIf(mark.Not())
        used[(line, pos)] = mark
    for (item, pos), var in sm.y.items():
        for line in problem.items[item].lines:
            used[(line, pos)] = var
    return used
