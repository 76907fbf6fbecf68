"""What fits in the time limit: the model's size before it is built, and a partial model when it does not fit.

Building the CP-SAT model costs Python time per variable (tens of microseconds:
creating it, its constraints, its objective term and its hint).  A 1,000-line
order on 5,000 sources has tens of thousands of variables and took a minute to
build; the time limit must bound the whole call.  So the model's size is
counted first (one vectorized pass), and when building it would take more than
its share of the time left, the model keeps only the most promising sources:
those of the best greedy plan (so that plan stays a solution), then the
cheapest per unit they could ship.  Such a plan is the best found, never
proven optimal, and says why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sourcing_engine.problem import Allocation, Problem

# Measured on the scale benchmark's largest orders (CPU time, 2-core machine): building, hinting and
# setting the objective cost about 40 microseconds per variable; counted at twice that to stay inside
# the limit on a busy machine.
SECONDS_PER_VARIABLE = 80e-6
# The share of the time left that building may take; the rest is for solving.
BUILD_SHARE = 0.5
# Models this small build in a few milliseconds: never cut, even when the clock is nearly out.
ALWAYS_BUILT = 2_000


class OutOfTime(Exception):
    """The deadline passed while the model was being built."""


@dataclass(slots=True)
class Sized:
    problem: Problem
    variables: int  # the model's variables, counted before building
    kept: int  # candidates modelled
    of: int  # candidates before cutting (after pruning)

    @property
    def partial(self) -> bool:
        return self.kept < self.of


def pairs_per_candidate(problem: Problem) -> np.ndarray:
    """Per candidate, the single-line variables it would get (bundles counted once per candidate)."""
    pairs = problem.pairs().open(problem.demand)
    bundles = sum(1 for item in problem.items if item.bundle is not None)
    return np.bincount(pairs.at, minlength=len(problem.candidates)) + bundles + 1  # + 1: its shipment variable


def fit(problem: Problem, hint: Allocation, seconds: float) -> Sized:
    """``problem`` itself if its model can be built in ``seconds``, else over the best sources that fit."""
    per = pairs_per_candidate(problem)
    total = int(per.sum())
    budget = int(seconds * BUILD_SHARE / SECONDS_PER_VARIABLE)
    cands = problem.candidates
    if total <= max(budget, ALWAYS_BUILT):
        return Sized(problem, total, len(cands), len(cands))
    order = np.argsort(_unit_price(problem), kind="stable")
    in_hint = np.isin(cands, sorted({pos for (line, pos) in hint if (line, pos) not in problem.fixed}))
    order = np.concatenate([np.flatnonzero(in_hint), order[~in_hint[order]]])
    fits = np.cumsum(per[order]) <= budget
    fits[: int(in_hint.sum())] = True  # the greedy plan's sources stay, whatever they cost
    kept = np.sort(cands[order[fits]])
    return Sized(replace(problem, candidates=kept), int(per[order[fits]].sum()), len(kept), len(cands))


def _unit_price(problem: Problem) -> np.ndarray:
    """Per candidate, what a unit would cost if it shipped all it can of this order in one shipment."""
    cands = problem.candidates
    pairs = problem.pairs().open(problem.demand)
    could = np.minimum(pairs.avail, problem.demand[pairs.line])
    units = np.bincount(pairs.at, weights=could, minlength=len(cands))
    opening = problem.base[cands] + problem.base_adj[cands]
    return np.where(units > 0, (opening + problem.unit[cands] * units) / np.maximum(units, 1), np.inf)
