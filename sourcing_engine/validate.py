"""Is a plan valid for its order and network?  One checker for tests, benchmarks and operators.

It recomputes everything from the raw order and network (not from the
engine's internal arrays), so that it checks the engine rather than agrees
with it.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sourcing_engine.geo import distance_km
from sourcing_engine.model import PICKUP, SHIP, SHIP_TO_STORE, Network, Order, Source, StockRow
from sourcing_engine.plan import PHYSICAL_KINDS, Plan

COST_TOLERANCE = 1e-6


def plan_violations(plan: Plan, order: Order, network: Network) -> list[str]:
    """Every way ``plan`` breaks the contract; empty when it is valid."""
    sources = {s.code: s for s in network.sources}
    products = {p.sku: p for p in network.products}
    lines = {line.id: line for line in order.lines}
    problems: list[str] = []
    problems += _units_accounted(plan, order)
    problems += _stock_respected(plan, network, products)
    problems += _bundles_whole(plan, order, products)
    for shipment in plan.shipments:
        source = sources.get(shipment.source)
        if source is None:
            problems.append(f"shipment from unknown source {shipment.source}")
            continue
        for planned in shipment.lines:
            line = lines.get(planned.line_id)
            if line is None:
                problems.append(f"{shipment.source}: unknown line {planned.line_id}")
                continue
            problems += _line_fits_shipment(shipment.kind, shipment.source, line, products)
        problems += _shipment_allowed(shipment.kind, shipment.destination, source, order)
        expected = _cost(shipment.kind, source, shipment.units, order, sources)
        if abs(expected - shipment.cost) > COST_TOLERANCE * max(1.0, abs(expected)):
            problems.append(f"{shipment.source}: cost {shipment.cost} but the formula gives {expected}")
    return problems


def _units_accounted(plan: Plan, order: Order) -> list[str]:
    seen: Counter[str] = Counter()
    for shipment in plan.shipments:
        for planned in shipment.lines:
            seen[planned.line_id] += planned.quantity
    for entry in [*plan.backorders, *plan.unsourced]:
        seen[entry.line_id] += entry.quantity
    problems = [
        f"line {line.id}: {seen.get(line.id, 0)} unit(s) accounted for, {line.quantity} ordered"
        for line in order.lines
        if seen.get(line.id, 0) != line.quantity
    ]
    known = {line.id for line in order.lines}
    problems += [f"unknown line {line_id} in the plan" for line_id in seen if line_id not in known]
    return problems


def _available(row: StockRow | None, manage_stock: bool) -> float:
    if not manage_stock or (row is not None and row.unlimited):
        return float("inf")
    return float(row.available) if row is not None else 0.0


def _stock_respected(plan: Plan, network: Network, products: dict) -> list[str]:
    rows = {(r.source, r.sku): r for r in network.stock}
    taken: Counter[tuple[str, str]] = Counter()
    for shipment in plan.shipments:
        if shipment.kind in PHYSICAL_KINDS or shipment.kind == "virtual":
            for planned in shipment.lines:
                taken[(shipment.source, planned.sku)] += planned.quantity
    problems = []
    for (code, sku), qty in taken.items():
        product = products.get(sku)
        manage = product.manage_stock if product is not None else True
        if qty > _available(rows.get((code, sku)), manage):
            problems.append(f"{code} gives {qty} of {sku} but has {_available(rows.get((code, sku)), manage):g}")
    return problems


def _bundles_whole(plan: Plan, order: Order, products: dict) -> list[str]:
    bundles: dict[str, list[str]] = defaultdict(list)
    for line in order.lines:
        product = products.get(line.sku)
        virtual = product is not None and product.type == "virtual"
        if line.bundle is not None and line.preshipped_source is None and not virtual:
            bundles[line.bundle].append(line.id)
    problems = []
    for bundle, ids in bundles.items():
        holders = [s for s in plan.shipments if any(pl.line_id in ids for pl in s.lines)]
        if not holders:
            continue
        if len(holders) > 1:
            problems.append(f"bundle {bundle} is split over {len(holders)} shipments")
            continue
        shipped = {pl.line_id: pl.quantity for pl in holders[0].lines if pl.line_id in ids}
        wanted = {line.id: line.quantity for line in order.lines if line.id in ids}
        if shipped != wanted:
            problems.append(f"bundle {bundle} ships partly: {shipped} of {wanted}")
    return problems


def _line_fits_shipment(kind: str, code: str, line, products: dict) -> list[str]:
    product = products.get(line.sku)
    virtual = product is not None and product.type == "virtual" and line.preshipped_source is None
    if line.preshipped_source is not None:
        if kind != "preshipped" or code != line.preshipped_source:
            return [f"pre-shipped line {line.id} in a {kind} shipment from {code}"]
    elif virtual and kind != "virtual":
        return [f"virtual line {line.id} in a {kind} shipment"]
    elif not virtual and kind not in PHYSICAL_KINDS:
        return [f"physical line {line.id} in a {kind} shipment"]
    return []


def _shipment_allowed(kind: str, destination: str, source: Source, order: Order) -> list[str]:
    delivery = order.delivery
    if kind in ("virtual", "preshipped"):
        return [] if kind == "preshipped" or source.enabled else [f"virtual shipment from disabled {source.code}"]
    if not source.enabled:
        return [f"shipment from disabled source {source.code}"]
    if delivery.method == SHIP:
        ok = kind == SHIP and SHIP in source.capabilities and destination == "customer"
    elif kind == PICKUP:
        ok = source.code == delivery.pickup_source and PICKUP in source.capabilities
    else:
        ok = (
            kind == SHIP_TO_STORE
            and SHIP_TO_STORE in source.capabilities
            and source.code != delivery.pickup_source
            and destination == delivery.pickup_source
        )
    return [] if ok else [f"a {kind} shipment from {source.code} to {destination} breaks the {delivery.method} rules"]


def _cost(kind: str, source: Source, units: int, order: Order, sources: dict[str, Source]) -> float:
    if kind in ("virtual", "preshipped"):
        return 0.0
    if kind == PICKUP:
        return source.costs.per_unit * units
    if kind == SHIP_TO_STORE:
        store = sources[order.delivery.pickup_source or ""].location
        km = distance_km(source.location.lat, source.location.lon, store.lat, store.lon)
    else:
        address = order.delivery.address
        assert address is not None
        km = distance_km(source.location.lat, source.location.lon, address.lat, address.lon)
    return source.costs.fixed + source.costs.per_km * km + source.costs.per_unit * units
