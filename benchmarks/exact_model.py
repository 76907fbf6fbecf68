"""The exact model's formulation, in named sections (variables, then one family of rows each).

Columns: ``x[line, source]`` units of a single line, ``y[bundle, source]``
the whole bundle from that source, ``z[source]`` the source opens a
shipment, ``w[term, source]`` a per-shipment rule amount applies there.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from benchmarks.mip_matrix import INF, Formulation
from sourcing_engine.directives import Directives
from sourcing_engine.ledger import StockLedger
from sourcing_engine.model import PICKUP, SHIP, SHIP_TO_STORE, Order, OrderLine
from sourcing_engine.validate import great_circle_km


@dataclass(slots=True)
class Setting:
    """The order read against the network: who may ship what, at what price."""

    order: Order
    stock: StockLedger
    directives: Directives
    codes: list[str]
    lines: list[OrderLine]  # physical lines, in order
    demand: list[int]  # per line, after the pickup store's own stock
    allowed: list[np.ndarray]  # per line, over sources
    opening: np.ndarray  # shipping cost of a shipment from each source
    per_unit: np.ndarray
    base_adj: np.ndarray  # per-shipment rule amounts and split penalty
    unit_adj: list[np.ndarray]  # per line, per-unit rule amounts
    store: int | None
    taken: dict[tuple[int, int], int] = field(default_factory=dict)  # (line, source) -> units fixed

    def avail(self, line: int, pos: int) -> float:
        return self.stock.available(self.codes[pos], self.lines[line].sku) - self._used(self.lines[line].sku, pos)

    def _used(self, sku: str, pos: int) -> int:
        return sum(q for (i, p), q in self.taken.items() if p == pos and self.lines[i].sku == sku)


def formulate(order: Order, stock: StockLedger, directives: Directives) -> Formulation:
    s = _setting(order, stock, directives)
    if s.store is not None:
        _pickup_store_first(s)
    f = Formulation()
    x, y = _variables(s, f)
    _demand_rows(s, f, x, y)
    _stock_rows(s, f, x, y)
    _opening_rows(s, f, x, y)
    _line_terms(s, f, x, y)
    _shipment_limit(s, f)
    _constants(s, f)
    return f


def _setting(order: Order, stock: StockLedger, directives: Directives) -> Setting:
    network = stock.network
    types = {p.sku: p.type for p in network.products}
    sources = network.sources
    codes = [src.code for src in sources]
    lines = [ln for ln in order.lines if ln.preshipped_source is None and types.get(ln.sku, "physical") != "virtual"]
    store = codes.index(order.delivery.pickup_source) if order.delivery.method == PICKUP else None
    if store is None:
        assert order.delivery.address is not None
        lat, lon = order.delivery.address.lat, order.delivery.address.lon
        capable = np.array([src.enabled and SHIP in src.capabilities for src in sources])
    else:
        lat, lon = sources[store].location.lat, sources[store].location.lon
        capable = np.array([src.enabled and SHIP_TO_STORE in src.capabilities for src in sources])
        capable[store] = sources[store].enabled
    km = np.array([great_circle_km(src.location.lat, src.location.lon, lat, lon) for src in sources])
    opening = np.array([src.costs.fixed for src in sources]) + np.array([src.costs.per_km for src in sources]) * km
    if store is not None:
        opening[store] = 0.0  # the customer collects: no parcel
    base_adj = np.full(len(sources), directives.settings.split_penalty)
    unit_adj = [np.zeros(len(sources)) for _ in lines]
    for term in directives.cost_terms:
        if term.per == "unit":
            for i, ln in enumerate(lines):
                if term.lines is None or ln.id in term.lines:
                    unit_adj[i] = unit_adj[i] + term.amount * term.sources
        elif term.lines is None:
            base_adj = base_adj + term.amount * term.sources
    return Setting(
        order=order, stock=stock, directives=directives, codes=codes, lines=lines, demand=[ln.quantity for ln in lines],
        allowed=[_allowed(ln, capable, directives) for ln in lines], opening=opening,
        per_unit=np.array([src.costs.per_unit for src in sources]), base_adj=base_adj, unit_adj=unit_adj, store=store,
    )


def _allowed(line: OrderLine, capable: np.ndarray, directives: Directives) -> np.ndarray:
    allowed = capable.copy()
    for flt in directives.excludes:
        if flt.lines is None or line.id in flt.lines:
            allowed &= ~flt.sources
    for flt in directives.onlys:
        if flt.lines is None or line.id in flt.lines:
            allowed &= flt.sources
    return allowed


def _items(s: Setting) -> list[list[int]]:
    """Single lines and bundles, each at its first line's place."""
    items: list[list[int]] = []
    seen: dict[str, list[int]] = {}
    for i, ln in enumerate(s.lines):
        if ln.bundle is None:
            items.append([i])
        elif ln.bundle in seen:
            seen[ln.bundle].append(i)
        else:
            seen[ln.bundle] = [i]
            items.append(seen[ln.bundle])
    return items


def _is_bundle(s: Setting, item: list[int]) -> bool:
    return s.lines[item[0]].bundle is not None


def _pickup_store_first(s: Setting) -> None:
    """The contract: the pickup store's own stock goes first, lines in order."""
    store = s.store
    assert store is not None
    for item in _items(s):
        if not all(s.allowed[i][store] for i in item):
            continue
        if _is_bundle(s, item):
            need: dict[str, int] = defaultdict(int)
            for i in item:
                need[s.lines[i].sku] += s.demand[i]
            if all(s.stock.available(s.codes[store], sku) - s._used(sku, store) >= q for sku, q in need.items()):
                for i in item:
                    s.taken[(i, store)] = s.demand[i]
                    s.demand[i] = 0
            continue
        i = item[0]
        qty = int(min(s.demand[i], s.avail(i, store)))
        if qty > 0:
            s.taken[(i, store)] = qty
            s.demand[i] -= qty


def _variables(s: Setting, f: Formulation) -> tuple[dict, dict]:
    x: dict[tuple[int, int], int] = {}
    y: dict[tuple[int, int], int] = {}
    for item in _items(s):
        units = sum(s.demand[i] for i in item)
        if units == 0:
            continue
        for pos in range(len(s.codes)):
            if not all(s.allowed[i][pos] for i in item):
                continue
            if _is_bundle(s, item):
                if _bundle_fits(s, item, pos):
                    money = sum(s.demand[i] * (s.per_unit[pos] + s.unit_adj[i][pos]) for i in item)
                    adj = sum(s.demand[i] * s.unit_adj[i][pos] for i in item)
                    y[(item[0], pos)] = f.column(0, 1, units, money - adj, adj)
            else:
                i = item[0]
                upper = min(s.demand[i], s.avail(i, pos))
                if upper > 0:
                    x[(i, pos)] = f.column(0, upper, 1, s.per_unit[pos], s.unit_adj[i][pos])
    used = {pos for (_, pos) in x} | {pos for (_, pos) in y}
    if s.store is not None and any(pos == s.store for (_, pos) in s.taken):
        f.store_fixed = True
        used.discard(s.store)  # its shipment is open already; counted in the constants
    for pos in sorted(used):
        f.opens[pos] = f.column(0, 1, 0, s.opening[pos], s.base_adj[pos])
    return x, y


def _bundle_fits(s: Setting, item: list[int], pos: int) -> bool:
    need: dict[str, int] = defaultdict(int)
    for i in item:
        need[s.lines[i].sku] += s.demand[i]
    return all(s.stock.available(s.codes[pos], sku) - s._used(sku, pos) >= q for sku, q in need.items())


def _bundle_lines(s: Setting, first: int) -> list[int]:
    bundle = s.lines[first].bundle
    return [i for i, ln in enumerate(s.lines) if ln.bundle == bundle]


def _demand_rows(s: Setting, f: Formulation, x: dict, y: dict) -> None:
    # A line ships at most what was ordered; a bundle comes from one source at most.
    by_line: dict[int, list[int]] = defaultdict(list)
    for (i, _), col in x.items():
        by_line[i].append(col)
    for i, cols in by_line.items():
        f.rows.add(cols, [1.0] * len(cols), upper=s.demand[i])
    by_bundle: dict[int, list[int]] = defaultdict(list)
    for (first, _), col in y.items():
        by_bundle[first].append(col)
    for cols in by_bundle.values():
        f.rows.add(cols, [1.0] * len(cols), upper=1)


def _stock_rows(s: Setting, f: Formulation, x: dict, y: dict) -> None:
    # What lines and bundles take of a SKU at a source fits what it has left.
    terms: dict[tuple[str, int], list[tuple[int, float]]] = defaultdict(list)
    for (i, pos), col in x.items():
        terms[(s.lines[i].sku, pos)].append((col, 1.0))
    for (first, pos), col in y.items():
        for i in _bundle_lines(s, first):
            terms[(s.lines[i].sku, pos)].append((col, float(s.demand[i])))
    for (sku, pos), pairs in terms.items():
        left = s.stock.available(s.codes[pos], sku) - s._used(sku, pos)
        if left != INF:
            f.rows.add([c for c, _ in pairs], [v for _, v in pairs], upper=left)


def _opening_rows(s: Setting, f: Formulation, x: dict, y: dict) -> None:
    # Shipping from a source opens its shipment; an open shipment carries at least one unit.
    carried: dict[int, list[int]] = defaultdict(list)
    for (_i, pos), col in x.items():
        carried[pos].append(col)
        if pos in f.opens:
            f.rows.add([col, f.opens[pos]], [1.0, -f.upper[col]], upper=0)
    for (_, pos), col in y.items():
        carried[pos].append(col)
        if pos in f.opens:
            f.rows.add([col, f.opens[pos]], [1.0, -1.0], upper=0)
    for pos, z in f.opens.items():
        f.rows.add([*carried[pos], z], [1.0] * len(carried[pos]) + [-1.0], lower=0)


def _line_terms(s: Setting, f: Formulation, x: dict, y: dict) -> None:
    # A per-shipment amount for some lines counts once per source shipping any of them.
    row_of = {ln.id: i for i, ln in enumerate(s.lines)}
    for term in s.directives.cost_terms:
        if term.per != "shipment" or term.lines is None:
            continue
        mine = {row_of[i] for i in term.lines if i in row_of}
        for pos in np.flatnonzero(term.sources):
            pos = int(pos)
            cols = [c for (i, p), c in x.items() if p == pos and i in mine]
            cols += [c for (i, p), c in y.items() if p == pos and set(_bundle_lines(s, i)) & mine]
            present = any(p == pos and i in mine for (i, p) in s.taken)
            if present and term.amount >= 0:
                f.constant_adjustment += term.amount
                continue
            if not cols and not present:
                continue
            w = f.column(0, 1, 0, 0.0, term.amount)
            if term.amount >= 0:
                for c in cols:
                    f.rows.add([c, w], [1.0, -f.upper[c]], upper=0)
            else:
                f.rows.add([*cols, w], [1.0] * len(cols) + [-1.0], lower=0 if not present else -1)


def _shipment_limit(s: Setting, f: Formulation) -> None:
    # At most max_shipments physical shipments, the pickup store's own included.
    limit = s.directives.settings.max_shipments
    if limit is not None:
        cols = f.open_columns
        f.rows.add(cols, [1.0] * len(cols), upper=limit - (1 if f.store_fixed else 0))


def _constants(s: Setting, f: Formulation) -> None:
    """What the pickup store's own stock costs and fills, whatever the model decides."""
    for (i, pos), qty in s.taken.items():
        f.fixed_units += qty
        f.constant_cost += qty * s.per_unit[pos]
        f.constant_adjustment += qty * s.unit_adj[i][pos]
    if f.store_fixed and s.store is not None:
        f.constant_cost += s.opening[s.store]
        f.constant_adjustment += s.base_adj[s.store]
    f.first_shipment_credit = s.directives.settings.split_penalty  # the first shipment is no split
