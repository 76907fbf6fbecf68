"""The cost objective of the joint wave model, and how far its rounding of money can move a plan."""

from __future__ import annotations

from ortools.sat.python import cp_model

from sourcing_engine.wave_model import JointModel

# Keep |objective| well inside a double's exact integers: CP-SAT's LP works in doubles.
MAX_OBJECTIVE = 2**50
# Money in the joint model is exact to 1/1000: measured on the scarce preset, finer
# scales (1e5, as for one order) double the time to prove a 125-order group
# optimal.  The plan is chosen by the exact float cost, and the rounding is
# subtracted from the proven bound (``rounding_slack``), so the gap stays honest.
COST_SCALE = 1e3


def minimize_cost(jm: JointModel) -> float:
    """Sets the cost objective with its tie-break; returns the scale from money to objective units.

    The tie-break (fewer shipments) is scaled below one unit of scaled money
    so that it never outweighs cost; remaining ties are broken by the solver,
    deterministically with one worker and a fixed seed.
    """
    shipments = list(jm.z.items())
    tie_span = len(shipments) + 1
    scale = _cost_scale(jm, tie_span)
    variables: list[cp_model.IntVar] = []
    coefs: list[int] = []
    for (o, pos), var in shipments:
        problem = jm.orders[o].problem
        money = problem.base[pos] + problem.base_adj[pos]
        variables.append(var)
        coefs.append(tie_span * round(money * scale) + 1)
    for (o, line, pos), var in jm.x.items():
        problem = jm.orders[o].problem
        variables.append(var)
        coefs.append(tie_span * round((problem.unit[pos] + problem.unit_adj[line, pos]) * scale))
    for (o, item, pos), var in jm.y.items():
        problem = jm.orders[o].problem
        money = sum(
            int(problem.demand[ln]) * (problem.unit[pos] + problem.unit_adj[ln, pos])
            for ln in problem.items[item].lines
        )
        variables.append(var)
        coefs.append(tie_span * round(money * scale))
    for var, amount in jm.extra_cost:
        variables.append(var)
        coefs.append(tie_span * round(amount * scale))
    jm.model.minimize(cp_model.LinearExpr.WeightedSum(variables, coefs))
    return scale * tie_span


def rounding_slack(jm: JointModel, fill: int, scale: float) -> float:
    """How far (in money) rounding the coefficients can move any plan's objective at this fill.

    Every coefficient is off by at most half a scaled unit, and a plan has at
    most one open shipment per (order, source), ``fill`` units and one
    indicator per rule term or credit.
    """
    return 0.5 * (len(jm.z) * 2 + fill + len(jm.y) + len(jm.extra_cost)) / scale


def _cost_scale(jm: JointModel, tie_span: int) -> float:
    bound = 1.0
    for wave_order in jm.orders:
        problem = wave_order.problem
        units = float(problem.demand.sum())
        for pos in problem.candidates:
            bound += abs(problem.base[pos]) + abs(problem.base_adj[pos])
            bound += (abs(problem.unit[pos]) + float(abs(problem.unit_adj[:, pos]).max(initial=0))) * units
        for term in problem.line_terms:
            bound += abs(term.amount) * len(problem.candidates)
        bound += abs(problem.split_penalty)
    return min(COST_SCALE, MAX_OBJECTIVE / (tie_span * bound))
