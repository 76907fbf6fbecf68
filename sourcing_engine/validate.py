"""Is a plan valid? Every rule of the contract checked from the raw order, network and stock.

One checker for the tests, the benchmarks and operators.  It recomputes
everything from the contract (stock rows through ``StockLedger``, its own
great-circle distance), never from the engine's arrays, so that it checks the
engine rather than agrees with it.  ``violations`` lists what is wrong (empty
when the plan is valid) against the stock available *before* the plan;
``plan_violations`` is the same for a plan sourced against a whole network.
"""

from __future__ import annotations

import math
from collections import defaultdict

from sourcing_engine.ledger import UNLIMITED, StockLedger
from sourcing_engine.model import PICKUP, SHIP, SHIP_TO_STORE, Network, Order, Source
from sourcing_engine.plan import CUSTOMER, PHYSICAL_KINDS, Plan

EARTH_RADIUS_KM = 6371.0088
COST_TOLERANCE = 1e-6


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, a))))


def violations(plan: Plan, order: Order, stock: StockLedger, *, rules_applied: bool = False) -> list[str]:
    """What is wrong with ``plan``; ``rules_applied`` waives the checks rules may legitimately bend."""
    network = stock.network
    sources = {s.code: s for s in network.sources}
    problems: list[str] = []
    problems += _every_unit_once(plan, order)
    problems += _stock_respected(plan, stock)
    types = {p.sku: p.type for p in network.products}
    problems += _bundles_whole(plan, order, types)
    problems += _kinds_and_capabilities(plan, order, sources, types)
    problems += _costs(plan, order, sources)
    store = sources.get(order.delivery.pickup_source or "")
    if order.delivery.method == PICKUP and store is not None and store.enabled and not rules_applied:
        problems += _pickup_store_first(plan, order, stock)
    return problems


def plan_violations(plan: Plan, order: Order, network: Network, *, rules_applied: bool = False) -> list[str]:
    return violations(plan, order, StockLedger(network), rules_applied=rules_applied)


def _every_unit_once(plan: Plan, order: Order) -> list[str]:
    counted: dict[str, int] = defaultdict(int)
    skus = {line.id: line.sku for line in order.lines}
    out = []
    entries = [(pl.line_id, pl.sku, pl.quantity) for s in plan.shipments for pl in s.lines]
    entries += [(b.line_id, b.sku, b.quantity) for b in plan.backorders]
    entries += [(u.line_id, u.sku, u.quantity) for u in plan.unsourced]
    for line_id, sku, qty in entries:
        if line_id not in skus:
            out.append(f"line {line_id!r} is not in the order")
        elif sku != skus[line_id]:
            out.append(f"line {line_id!r} appears as {sku!r}, ordered as {skus[line_id]!r}")
        if qty <= 0:
            out.append(f"line {line_id!r} appears with quantity {qty}")
        counted[line_id] += qty
    for line in order.lines:
        if counted[line.id] != line.quantity:
            out.append(f"line {line.id!r}: {counted[line.id]} unit(s) accounted for, {line.quantity} ordered")
    return out


def _stock_respected(plan: Plan, stock: StockLedger) -> list[str]:
    taken: dict[tuple[str, str], int] = defaultdict(int)
    for s in plan.shipments:
        if s.kind in PHYSICAL_KINDS or s.kind == "virtual":
            for pl in s.lines:
                taken[(s.source, pl.sku)] += pl.quantity
    return [
        f"{source} gives {qty} of {sku} but has {stock.available(source, sku)}"
        for (source, sku), qty in taken.items()
        if stock.available(source, sku) != UNLIMITED and qty > stock.available(source, sku)
        # an unmanaged virtual product is delivered without stock
    ]


def _bundles_whole(plan: Plan, order: Order, types: dict[str, str]) -> list[str]:
    """Only physical lines form the bundle's shipment: virtual and pre-shipped ones go their own way."""
    bundles: dict[str, set[str]] = defaultdict(set)
    for line in order.lines:
        if (
            line.bundle is not None
            and _expected_kind(line.preshipped_source, types.get(line.sku, "physical")) == "physical"
        ):
            bundles[line.bundle].add(line.id)
    quantity = {line.id: line.quantity for line in order.lines}
    out = []
    for bundle, ids in bundles.items():
        carrying = [s for s in plan.shipments if any(pl.line_id in ids for pl in s.lines)]
        if not carrying:
            continue
        if len(carrying) > 1:
            out.append(f"bundle {bundle!r} is split over {len(carrying)} shipments")
            continue
        shipped = defaultdict(int)
        for pl in carrying[0].lines:
            shipped[pl.line_id] += pl.quantity
        if any(shipped[i] != quantity[i] for i in ids):
            out.append(f"bundle {bundle!r} ships only in part")
    return out


def _kinds_and_capabilities(plan: Plan, order: Order, sources: dict[str, Source], types: dict[str, str]) -> list[str]:
    out = []
    lines = {line.id: line for line in order.lines}
    pickup = order.delivery.pickup_source if order.delivery.method == PICKUP else None
    for s in plan.shipments:
        src = sources.get(s.source)
        if src is None:
            out.append(f"shipment from unknown source {s.source!r}")
            continue
        for pl in s.lines:
            line = lines.get(pl.line_id)
            if line is None:
                continue
            expected = _expected_kind(line.preshipped_source, types.get(line.sku, "physical"))
            physical = s.kind in PHYSICAL_KINDS
            if (expected == "physical") != physical or (expected != "physical" and s.kind != expected):
                out.append(f"line {line.id!r} ({expected}) is in a {s.kind} shipment")
            if s.kind == "preshipped" and line.preshipped_source != s.source:
                out.append(f"pre-shipped line {line.id!r} recorded at {s.source}, not {line.preshipped_source}")
        if s.kind == "preshipped":
            continue
        if not src.enabled:
            out.append(f"disabled source {s.source} ships")
        needed = {SHIP: SHIP, SHIP_TO_STORE: SHIP_TO_STORE, PICKUP: PICKUP}.get(s.kind)
        if needed is not None and needed not in src.capabilities and s.kind != PICKUP:
            out.append(f"{s.source} lacks the {needed} capability for a {s.kind} shipment")
        if pickup is None and s.kind in (PICKUP, SHIP_TO_STORE):
            out.append(f"a home delivery has a {s.kind} shipment")
        if pickup is not None and s.kind == SHIP:
            out.append(f"a pickup order has a ship shipment from {s.source}")
        if s.kind == PICKUP and s.source != pickup:
            out.append(f"pickup shipment from {s.source}, not the pickup store {pickup}")
        if s.kind in PHYSICAL_KINDS and s.destination != (pickup or CUSTOMER):
            out.append(f"{s.kind} shipment from {s.source} goes to {s.destination}")
    return out


def _expected_kind(preshipped: str | None, product_type: str) -> str:
    if preshipped is not None:
        return "preshipped"
    return "virtual" if product_type == "virtual" else "physical"


def _costs(plan: Plan, order: Order, sources: dict[str, Source]) -> list[str]:
    out = []
    if order.delivery.method == PICKUP:
        store = sources[order.delivery.pickup_source or ""].location
        lat, lon = store.lat, store.lon
    else:
        assert order.delivery.address is not None
        lat, lon = order.delivery.address.lat, order.delivery.address.lon
    for s in plan.shipments:
        src = sources.get(s.source)
        if src is None:
            continue
        if s.kind in (SHIP, SHIP_TO_STORE):
            km = great_circle_km(src.location.lat, src.location.lon, lat, lon)
            expected = src.costs.fixed + src.costs.per_km * km + src.costs.per_unit * s.units
        elif s.kind == PICKUP:
            expected = src.costs.per_unit * s.units
        else:
            expected = 0.0
        if abs(s.cost - expected) > COST_TOLERANCE * max(1.0, abs(expected)):
            out.append(f"{s.kind} shipment from {s.source} costs {s.cost:.6f}, the formula says {expected:.6f}")
    if abs(plan.total_cost - sum(s.cost for s in plan.shipments)) > COST_TOLERANCE:
        out.append("total cost is not the sum of the shipments' costs")
    return out


def _pickup_store_first(plan: Plan, order: Order, stock: StockLedger) -> list[str]:
    """A single line brought in from elsewhere while the pickup store still had its SKU breaks the rule."""
    store = order.delivery.pickup_source or ""
    from_store: dict[str, int] = defaultdict(int)
    for s in plan.shipments:
        if s.kind == PICKUP:
            for pl in s.lines:
                from_store[pl.sku] += pl.quantity
    out = []
    single = {line.id for line in order.lines if line.bundle is None}
    for s in plan.shipments:
        if s.kind != SHIP_TO_STORE:
            continue
        for pl in s.lines:
            left = stock.available(store, pl.sku) - from_store[pl.sku]
            if pl.line_id in single and left > 0:
                out.append(f"line {pl.line_id!r} ships to the store while the store has {left} of {pl.sku}")
    return out
