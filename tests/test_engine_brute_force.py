"""On instances small enough to enumerate, ``optimal`` equals the best of every possible plan.

The enumeration is written from the contract alone (raw stock rows, the cost
formula), not from the engine's arrays, so that it checks the engine.
"""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sourcing_engine import (
    Costs,
    CostTerm,
    Delivery,
    Directives,
    Location,
    Network,
    Order,
    OrderLine,
    Settings,
    Source,
    SourceFilter,
    StockRow,
    source,
)
from sourcing_engine.geo import distance_km


@st.composite
def small_instances(draw: st.DrawFn) -> tuple[Network, Order]:
    n = draw(st.integers(2, 3))
    srcs = []
    for i in range(n):
        caps = {"ship"} | set(draw(st.sets(st.sampled_from(["pickup", "ship_to_store"]))))
        srcs.append(
            Source(
                code=f"S{i}",
                location=Location(draw(st.floats(47, 54)), draw(st.floats(6, 14))),
                priority=draw(st.integers(0, 2)),
                capabilities=frozenset(caps),
                costs=Costs(
                    fixed=draw(st.sampled_from([0.0, 2.0, 4.5])),
                    per_km=draw(st.sampled_from([0.0, 0.002, 0.01])),
                    per_unit=draw(st.sampled_from([0.1, 0.25, 1.2])),
                ),
            )
        )
    stock = [
        StockRow(s.code, sku, on_hand=draw(st.integers(0, 4)), safety_stock=draw(st.integers(0, 1)))
        for s in srcs
        for sku in ("A", "B")
        if draw(st.integers(0, 4)) != 0
    ]
    lines = tuple(
        OrderLine(
            id=str(i),
            sku=draw(st.sampled_from(["A", "B"])),
            quantity=draw(st.integers(1, 3)),
            bundle=draw(st.sampled_from([None, None, "K"])),
        )
        for i in range(draw(st.integers(1, 3)))
    )
    stores = [s.code for s in srcs if "pickup" in s.capabilities]
    if stores and draw(st.booleans()):
        delivery = Delivery("pickup", pickup_source=draw(st.sampled_from(stores)))
    else:
        delivery = Delivery("ship", address=Location(draw(st.floats(47, 54)), draw(st.floats(6, 14))))
    return Network(srcs, [], stock), Order("ORD-BF", delivery, lines)


def brute_force(network: Network, order: Order, rules: Directives | None = None) -> tuple[int, float]:
    """The most units filled and, among plans that fill that many, the lowest objective.

    ``rules`` may exclude sources per line and add cost terms and a split penalty.
    """
    rules = rules or Directives()
    codes = [s.code for s in network.sources]
    banned = {
        line.id: {
            codes[i] for f in rules.excludes if f.lines is None or line.id in f.lines for i in np.flatnonzero(f.sources)
        }
        for line in order.lines
    }
    sources = {s.code: s for s in network.sources}
    avail = Counter({(r.source, r.sku): max(0, r.on_hand - r.reserved - r.safety_stock) for r in network.stock})
    sku = {line.id: line.sku for line in order.lines}
    store = order.delivery.pickup_source
    items = _items(order)
    fixed: Counter[tuple[str, str]] = Counter()
    if store is not None:
        items = _store_first(items, store, avail, sku, fixed, banned)
    eligible = [
        code
        for code, s in sources.items()
        if (("ship_to_store" in s.capabilities and code != store) if store else "ship" in s.capabilities)
    ]
    best: tuple[int, float] | None = None
    for choice in itertools.product(*[_options(item, eligible, banned) for item in items]):
        taken: Counter[tuple[str, str]] = Counter(fixed)
        for pick in choice:
            for line_id, code, qty in pick:
                taken[(line_id, code)] += qty
        if not _fits(taken, avail, sku):
            continue
        fill, cost = _value(order, taken, sources)
        cost += _rule_amounts(taken, rules, codes)
        if best is None or fill > best[0] or (fill == best[0] and cost < best[1] - 1e-9):
            best = (fill, cost)
    assert best is not None
    return best


class Bundle(list):
    """The lines of one bundle: all or nothing, from one source."""


def _items(order: Order) -> list[list[tuple[str, int]]]:
    """Single lines, and bundles as one item at their first line's place."""
    items: list[list[tuple[str, int]]] = []
    bundles: dict[str, Bundle] = {}
    for line in order.lines:
        if line.bundle is None:
            items.append([(line.id, line.quantity)])
        elif line.bundle in bundles:
            bundles[line.bundle].append((line.id, line.quantity))
        else:
            bundles[line.bundle] = Bundle([(line.id, line.quantity)])
            items.append(bundles[line.bundle])
    return items


def _store_first(items, store, avail, sku, fixed, banned) -> list[list[tuple[str, int]]]:
    """The pickup store gives what it has first, in line order; the rest is left to choose."""
    left = Counter({key: qty for key, qty in avail.items() if key[0] == store})
    rest = []
    for item in items:
        if any(store in banned[line_id] for line_id, _ in item):
            rest.append(item)
            continue
        if isinstance(item, Bundle):
            need = Counter()
            for line_id, qty in item:
                need[(store, sku[line_id])] += qty
            if all(left[key] >= qty for key, qty in need.items()):
                left.subtract(need)
                for line_id, qty in item:
                    fixed[(line_id, store)] += qty
                continue
            rest.append(item)
            continue
        ((line_id, qty),) = item
        take = min(qty, left[(store, sku[line_id])])
        left[(store, sku[line_id])] -= take
        if take:
            fixed[(line_id, store)] += take
        if qty - take:
            rest.append([(line_id, qty - take)])
    return rest


def _options(item: list[tuple[str, int]], eligible: list[str], banned) -> list[list[tuple[str, str, int]]]:
    if isinstance(item, Bundle):  # nowhere, or whole from one source
        ok = [code for code in eligible if all(code not in banned[line_id] for line_id, _ in item)]
        return [[]] + [[(line_id, code, qty) for line_id, qty in item] for code in ok]
    ((line_id, qty),) = item
    eligible = [code for code in eligible if code not in banned[line_id]]
    return [
        [(line_id, code, q) for code, q in zip(eligible, split, strict=True) if q]
        for split in itertools.product(range(qty + 1), repeat=len(eligible))
        if sum(split) <= qty
    ]


def _fits(taken, avail, sku) -> bool:
    use: Counter[tuple[str, str]] = Counter()
    for (line_id, code), qty in taken.items():
        use[(code, sku[line_id])] += qty
    return all(qty <= avail[key] for key, qty in use.items())


def _value(order: Order, taken, sources) -> tuple[int, float]:
    units: Counter[str] = Counter()
    for (_, code), qty in taken.items():
        units[code] += qty
    store = order.delivery.pickup_source
    dest = sources[store].location if store else order.delivery.address
    cost = 0.0
    for code, n in units.items():
        s = sources[code]
        if code == store:
            cost += s.costs.per_unit * n
        else:
            km = distance_km(s.location.lat, s.location.lon, dest.lat, dest.lon)
            cost += s.costs.fixed + s.costs.per_km * km + s.costs.per_unit * n
    return sum(units.values()), cost


def _rule_amounts(taken, rules: Directives, codes: list[str]) -> float:
    opened = {code for (_, code), qty in taken.items() if qty}
    total = rules.settings.split_penalty * max(0, len(opened) - 1)
    for term in rules.cost_terms:
        marked = {codes[i] for i in np.flatnonzero(term.sources)}
        mine = [(lid, code, q) for (lid, code), q in taken.items() if q and (term.lines is None or lid in term.lines)]
        if term.per == "unit":
            total += term.amount * sum(q for _, code, q in mine if code in marked)
        else:
            total += term.amount * len({code for _, code, _ in mine if code in marked})
    return total


@st.composite
def ruled_instances(draw: st.DrawFn) -> tuple[Network, Order, Directives]:
    network, order = draw(small_instances())
    n = len(network.sources)
    mask = st.lists(st.booleans(), min_size=n, max_size=n).map(lambda bits: np.array(bits, dtype=bool))
    ids = [line.id for line in order.lines]
    lines = st.one_of(st.none(), st.sets(st.sampled_from(ids), min_size=1).map(frozenset))
    amount = st.sampled_from([-3.0, -0.5, 0.5, 2.0])
    term = st.builds(CostTerm, amount, st.sampled_from(["shipment", "unit"]), mask, st.just("r"), lines)
    rules = Directives(
        excludes=draw(st.lists(st.builds(SourceFilter, mask, st.just("x"), lines), max_size=2)),
        cost_terms=draw(st.lists(term, max_size=3)),
        settings=Settings(split_penalty=draw(st.sampled_from([0.0, 1.5, 6.0]))),
    )
    return network, order, rules


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=ruled_instances())
def test_optimal_matches_the_enumeration_under_exclusions_preferences_and_split_penalty(case) -> None:
    network, order, rules = case
    plan = source(order, network, directives=rules)
    fill, objective = brute_force(network, order, rules)
    assert plan.optimal
    assert plan.filled_units == fill
    assert plan.objective == pytest.approx(objective, abs=1e-6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=small_instances())
def test_optimal_matches_the_enumeration_of_every_plan(instance) -> None:
    network, order = instance
    plan = source(order, network)
    fill, cost = brute_force(network, order)
    assert plan.optimal
    assert plan.filled_units == fill
    assert plan.total_cost == pytest.approx(cost, abs=1e-6)
