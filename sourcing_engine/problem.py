"""One order against one network, reduced to the arrays every strategy works on.

Building the problem is shared by all strategies so that they see the same
eligibility, stock and costs and stay comparable: the strategies differ only
in how they choose quantities.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sourcing_engine.directives import Directives
from sourcing_engine.eligibility import LineEligibility, line_eligibility
from sourcing_engine.geo import haversine_km
from sourcing_engine.model import PICKUP, SHIP, SHIP_TO_STORE, Order, OrderLine
from sourcing_engine.network_index import NetworkIndex

# (line index, network position) -> quantity
Allocation = dict[tuple[int, int], int]


@dataclass(frozen=True, slots=True)
class Item:
    """What is decided as one: a single line, or every physical line of a bundle."""

    lines: tuple[int, ...]
    bundle: str | None = None


@dataclass(slots=True)
class LineTerm:
    """A per-shipment cost counted once per shipment from ``sources`` holding any of ``lines``."""

    amount: float
    sources: np.ndarray
    lines: tuple[int, ...]
    rule: str


@dataclass(frozen=True, slots=True)
class Pairs:
    """Every (line, candidate) where the line may ship from the candidate and it holds the line's SKU.

    Orders touch a sliver of a large network: a 1,000-line order on 5,000 sources has some 30,000
    such pairs among 5 million (line, source) cells, so bounds, greedy gains and the model's
    variables are computed over these, not over dense matrices.
    """

    line: np.ndarray
    at: np.ndarray  # index into the problem's candidates
    avail: np.ndarray  # the candidate's stock of the line's SKU

    def open(self, demand: np.ndarray) -> Pairs:
        keep = demand[self.line] > 0
        return Pairs(self.line[keep], self.at[keep], self.avail[keep])


@dataclass(slots=True)
class Problem:
    index: NetworkIndex
    order: Order
    directives: Directives
    method: str
    destination: str
    pickup_store: int | None
    lines: list[OrderLine]
    demand: np.ndarray  # per line, still to source after the pickup store's own stock
    skus: list[str]
    sku_of: np.ndarray  # per line, index into skus
    backorderable: list[bool]
    eligibility: list[LineEligibility]
    items: list[Item]
    allowed: np.ndarray  # lines x network sources
    avail: np.ndarray  # skus x network sources, after the pickup store's own stock
    dist: np.ndarray  # km from each source to the destination
    base: np.ndarray  # shipping cost of opening a shipment at each source
    unit: np.ndarray  # shipping cost per unit at each source
    base_adj: np.ndarray  # rule and split-penalty amounts per shipment (objective only)
    unit_adj: np.ndarray  # lines x sources, rule amounts per unit (objective only)
    line_terms: list[LineTerm]
    candidates: np.ndarray  # network positions worth considering, ascending
    fixed: Allocation = field(default_factory=dict)  # the pickup store's own stock
    split_penalty: float = 0.0
    bundles_split: bool = False
    _pairs: tuple[np.ndarray, Pairs] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def max_shipments(self) -> int | None:
        return self.directives.settings.max_shipments

    @property
    def sourcing_shipment_limit(self) -> int | None:
        """How many shipments the strategies may still open beyond the fixed ones."""
        limit = self.max_shipments
        if limit is None:
            return None
        fixed_sources = {pos for (_, pos) in self.fixed}
        return max(0, limit - len(fixed_sources))

    def kind_at(self, pos: int) -> str:
        if self.method == SHIP:
            return SHIP
        return PICKUP if pos == self.pickup_store else SHIP_TO_STORE

    def total_demand(self) -> int:
        return int(self.demand.sum())

    def pairs(self) -> Pairs:
        """The (line, candidate) pairs holding stock, computed once per set of candidates."""
        if self._pairs is not None and self._pairs[0] is self.candidates:
            return self._pairs[1]
        cands = self.candidates
        holds = (self.avail > 0)[self.sku_of] & self.allowed  # lines x network sources
        lines, pos = np.nonzero(holds)
        where = np.full(self.index.size, -1, dtype=np.int64)
        where[cands] = np.arange(len(cands))
        at = where[pos]
        keep = at >= 0
        lines, pos, at = lines[keep], pos[keep], at[keep]
        found = Pairs(lines, at, self.avail[self.sku_of[lines], pos])
        self._pairs = (cands, found)
        return found


def build_problem(
    order: Order,
    index: NetworkIndex,
    directives: Directives,
    physical: list[OrderLine],
    attempt: int = 0,
) -> Problem:
    method = order.delivery.method
    pickup_store = index.position[order.delivery.pickup_source] if method == PICKUP else None
    lat, lon = _destination(order, index, pickup_store)
    dist = haversine_km(lat, lon, index.lat, index.lon)
    base = index.fixed + index.per_km * dist
    if pickup_store is not None:
        base[pickup_store] = 0.0
    skus = sorted({line.sku for line in physical})
    sku_pos = {sku: k for k, sku in enumerate(skus)}
    avail = np.stack([index.available(sku) for sku in skus]) if skus else np.zeros((0, index.size), dtype=np.int64)
    capable = _capable(index, method, pickup_store)
    eligibility = [line_eligibility(line, directives, capable, index) for line in physical]
    allowed = np.stack([e.allowed for e in eligibility]) if physical else np.zeros((0, index.size), dtype=bool)
    settings = directives.settings
    split_after = settings.bundle_split_after
    problem = Problem(
        index=index,
        order=order,
        directives=directives,
        method=method,
        destination=order.delivery.pickup_source if pickup_store is not None else "customer",
        pickup_store=pickup_store,
        lines=physical,
        demand=np.array([line.quantity for line in physical], dtype=np.int64),
        skus=skus,
        sku_of=np.array([sku_pos[line.sku] for line in physical], dtype=np.int64),
        backorderable=[_backorderable(line, index, directives) for line in physical],
        eligibility=eligibility,
        items=[],
        allowed=allowed,
        avail=avail,
        dist=dist,
        base=base,
        unit=index.per_unit.copy(),
        base_adj=np.full(index.size, settings.split_penalty, dtype=float),
        unit_adj=np.zeros((len(physical), index.size), dtype=float),
        line_terms=[],
        candidates=np.zeros(0, dtype=np.int64),
        split_penalty=settings.split_penalty,
        bundles_split=split_after is not None and attempt >= split_after,
    )
    problem.items = _items(problem)
    _apply_cost_terms(problem)
    if pickup_store is not None:
        _take_pickup_store_stock(problem, pickup_store)
    problem.candidates = _candidates(problem)
    return problem


def _destination(order: Order, index: NetworkIndex, pickup_store: int | None) -> tuple[float, float]:
    if pickup_store is not None:
        return float(index.lat[pickup_store]), float(index.lon[pickup_store])
    address = order.delivery.address
    assert address is not None  # the schema requires an address for home delivery
    return address.lat, address.lon


def _capable(index: NetworkIndex, method: str, pickup_store: int | None) -> np.ndarray:
    if pickup_store is None:
        return index.enabled & index.capable[SHIP]
    capable = index.enabled & index.capable[SHIP_TO_STORE]
    capable[pickup_store] = bool(index.enabled[pickup_store])
    return capable


def _backorderable(line: OrderLine, index: NetworkIndex, directives: Directives) -> bool:
    override = directives.backorder.get(line.id)
    if override is not None:
        return override
    if line.allow_backorder is not None:
        return line.allow_backorder
    return index.product(line.sku).backorders


def _items(problem: Problem) -> list[Item]:
    """Lines in order; a bundle is decided as one item at its first line's place."""
    items: list[Item] = []
    bundles: dict[str, list[int]] = {}
    for i, line in enumerate(problem.lines):
        if line.bundle is None or problem.bundles_split:
            items.append(Item((i,)))
        elif line.bundle in bundles:
            bundles[line.bundle].append(i)
        else:
            bundles[line.bundle] = [i]
            items.append(Item((i,), line.bundle))
    return [Item(tuple(bundles[it.bundle]), it.bundle) if it.bundle else it for it in items]


def _apply_cost_terms(problem: Problem) -> None:
    line_ids = {line.id: i for i, line in enumerate(problem.lines)}
    for term in problem.directives.cost_terms:
        if term.per == "unit":
            rows = list(range(len(problem.lines))) if term.lines is None else _rows(term.lines, line_ids)
            for row in rows:
                problem.unit_adj[row, term.sources] += term.amount
        elif term.lines is None:
            problem.base_adj[term.sources] += term.amount
        else:
            rows = _rows(term.lines, line_ids)
            if rows:
                problem.line_terms.append(LineTerm(term.amount, term.sources, tuple(rows), term.rule))


def _rows(ids: frozenset[str], line_ids: dict[str, int]) -> list[int]:
    return sorted(line_ids[i] for i in ids if i in line_ids)


def _take_pickup_store_stock(problem: Problem, store: int) -> None:
    """The pickup store's own stock goes first; only what it lacks is sourced elsewhere."""
    for item in problem.items:
        lines = list(item.lines)
        if not problem.allowed[lines, store].all():
            continue
        if item.bundle is not None:
            need = _need_per_sku(problem, lines)
            if all(problem.avail[k, store] >= q for k, q in need.items()):
                for i in lines:
                    _fix(problem, i, store, int(problem.demand[i]))
            continue
        i = lines[0]
        _fix(problem, i, store, int(min(problem.demand[i], problem.avail[problem.sku_of[i], store])))


def _fix(problem: Problem, line: int, pos: int, quantity: int) -> None:
    if quantity <= 0:
        return
    problem.fixed[(line, pos)] = quantity
    problem.demand[line] -= quantity
    problem.avail[problem.sku_of[line], pos] -= quantity


def _need_per_sku(problem: Problem, lines: list[int]) -> dict[int, int]:
    need: dict[int, int] = {}
    for i in lines:
        k = int(problem.sku_of[i])
        need[k] = need.get(k, 0) + int(problem.demand[i])
    return need


def _candidates(problem: Problem) -> np.ndarray:
    """Sources that hold something an unfilled line may take from them."""
    if not problem.lines:
        return np.zeros(0, dtype=np.int64)
    open_lines = problem.demand > 0
    useful = (problem.avail > 0)[problem.sku_of[open_lines]] & problem.allowed[open_lines]
    mask = useful.any(axis=0)
    if problem.pickup_store is not None:
        mask[problem.pickup_store] = False
    return np.flatnonzero(mask)
