"""One checker for everything that must hold after any command, read straight from the database.

- stock is never negative (on hand, reserved, safety stock; now and in every history row);
- the units flagged as a stock shortfall at a row are exactly what its on-hand falls short of its reservations;
- reserved stock equals the open allocations (units holding a reservation);
- nothing was allocated beyond what was available (each reservation left the row non-negative);
- every unit of every line is in exactly one part, and replaying the line history gives the parts;
- each order's status is the one its parts imply, and requests agree with their units;
- every status change has its history row and its outbox event;
- an order has at most one open ISPU request, at its pickup store;
- every package's units add up: a home request's packages hold exactly the units it shipped, units in
  transit to a store were shipped in a package, shipped units never exceed the units ordered, and each
  package is one ``shipment.shipped`` event.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import func, select

from oms.adapters import tables as t
from oms.domain.order import Order
from oms.domain.statuses import FINAL_LINE_STATUSES, LineStatus, Method, Reason, RequestStatus
from oms.service.app import Oms


def check_invariants(app: Oms) -> None:
    with app.uow(readonly=True) as uow:
        s = uow.session
        _stock_never_negative(s)
        _shortfall_flags_match_the_stock(s)
        _reserved_equals_open_allocations(s)
        _reservations_never_beyond_available(s)
        orders = list(s.scalars(select(Order)))
        history = defaultdict(list)
        for row in s.execute(select(t.status_history).order_by(t.status_history.c.id)):
            history[row.order_id].append(row)
        for order in orders:
            _units_in_exactly_one_part(order)
            _status_agrees_with_parts(order)
            _history_replays_to_now(order, history[order.id])
            _one_open_pickup_request(order)
            _packages_add_up(order)
        _every_change_has_an_event(s)
        _every_package_has_its_event(s)


def _stock_never_negative(s) -> None:  # type: ignore[no-untyped-def]
    for row in s.execute(select(t.stock)):
        assert min(row.on_hand, row.reserved, row.safety_stock) >= 0, f"negative stock: {row}"
    h = t.stock_history.c
    low = s.scalar(select(func.min(h.on_hand)))
    assert low is None or low >= 0, f"the stock history went down to {low} on hand"


def _shortfall_flags_match_the_stock(s) -> None:  # type: ignore[no-untyped-def]
    p = t.line_parts.c
    flagged: Counter = Counter()
    for row in s.execute(select(p.reserved_at, p.sku, p.quantity, p.status).where(p.shortfall)):
        assert row.reserved_at is not None and row.status not in FINAL_LINE_STATUSES, f"stale shortfall flag: {row}"
        flagged[(row.reserved_at, row.sku)] += row.quantity
    short = {
        (r.source, r.sku): r.reserved - r.on_hand
        for r in s.execute(select(t.stock))
        if not r.unlimited and r.reserved > r.on_hand
    }
    assert +flagged == short, f"flagged as shortfall {dict(flagged)}, but the stock falls short by {short}"


def _reserved_equals_open_allocations(s) -> None:  # type: ignore[no-untyped-def]
    p = t.line_parts.c
    held = Counter()
    for row in s.execute(
        select(p.reserved_at, p.sku, func.sum(p.quantity))
        .where(p.reserved_at.is_not(None))
        .group_by(p.reserved_at, p.sku)
    ):
        held[(row[0], row[1])] = int(row[2])
    for row in s.execute(select(p.status, p.reserved_at).where(p.reserved_at.is_not(None))):
        assert row.status not in FINAL_LINE_STATUSES, f"a {row.status} part still holds stock at {row.reserved_at}"
    reserved = {(r.source, r.sku): r.reserved for r in s.execute(select(t.stock)) if r.reserved}
    assert reserved == {k: v for k, v in held.items() if v}, "stock.reserved differs from the open allocations"


def _reservations_never_beyond_available(s) -> None:  # type: ignore[no-untyped-def]
    h = t.stock_history.c
    for row in s.execute(select(t.stock_history).where((h.reserved_delta > 0) | (h.cause == "virtual"))):
        if row.cause == "ship_to_store_received":
            continue  # goods arriving bring their own stock
        assert row.unlimited or row.on_hand - row.safety_stock - row.reserved >= 0, (
            f"{row.sku} at {row.source}: allocated beyond what was available ({row.cause}: on hand {row.on_hand}, "
            f"safety {row.safety_stock}, reserved {row.reserved})"
        )


def _units_in_exactly_one_part(order: Order) -> None:
    for line in order.lines:
        parts = [p for p in order.parts if p.line_id == line.line_id]
        assert all(p.quantity > 0 for p in parts), f"{order.number} line {line.line_id}: empty part"
        assert sum(p.quantity for p in parts) == line.quantity, f"{order.number} line {line.line_id}: units lost"


def _status_agrees_with_parts(order: Order) -> None:
    assert order._path_to(*order._derived()) == [], (
        f"{order.number} is {order.status}/{order.reason} but its parts say {order._derived()}"
    )
    for req in order.requests:
        open_units = [p for p in order.parts if (p.request is req or p.handover is req) and not p.is_final]
        if req.is_open:
            assert open_units, f"{order.number}: request {req.id} is {req.status} with nothing to do"
        else:
            mine = [p for p in open_units if p.request is req]
            assert not mine, f"{order.number}: request {req.id} is {req.status} yet holds open units {mine}"


def _history_replays_to_now(order: Order, rows: list) -> None:
    counts: dict[str, Counter] = {line.line_id: Counter({"NEW": line.quantity}) for line in order.lines}
    last: dict[tuple[str, str], str] = {}
    for row in rows:
        if row.entity == "line":
            c = counts[row.entity_id]
            c[row.from_status] -= row.quantity
            assert c[row.from_status] >= 0, f"{order.number} line {row.entity_id}: history moves units it lacks"
            c[row.to_status] += row.quantity
        last[(row.entity, row.entity_id)] = row.to_status
    for line in order.lines:
        now = Counter()
        for p in order.parts:
            if p.line_id == line.line_id:
                now[p.status.value] += p.quantity
        assert +counts[line.line_id] == +now, (
            f"{order.number} line {line.line_id}: history {counts[line.line_id]} != {now}"
        )
    assert last.get(("order", order.number)) == order.status, f"{order.number}: last history status is not the status"
    for req in order.requests:
        assert last.get(("request", str(req.id))) == req.status, f"{order.number}: request {req.id} history"


def _every_change_has_an_event(s) -> None:  # type: ignore[no-untyped-def]
    changes = s.scalar(select(func.count()).select_from(t.status_history))
    events = s.scalar(select(func.count()).select_from(t.outbox).where(t.outbox.c.topic.like("%.status_changed")))
    assert changes == events, f"{changes} status changes but {events} status events in the outbox"


def _one_open_pickup_request(order: Order) -> None:
    pickups = [r for r in order.requests if r.method == Method.ISPU]
    assert all(r.source == order.pickup_source for r in pickups), f"{order.number}: ISPU request at another store"
    open_ = [r.id for r in pickups if r.is_open]
    assert len(open_) <= 1, f"{order.number}: open ISPU requests {open_}"


def _packages_add_up(order: Order) -> None:
    lines = {line.line_id: line for line in order.lines}
    delivered: Counter = Counter()
    for req in order.requests:
        packed: Counter = Counter()
        for package in req.packages:
            assert package.lines, f"{order.number}: empty package {package.id}"
            for item in package.lines:
                assert item["quantity"] > 0 and lines[item["line_id"]].sku == item["sku"], (order.number, package)
                packed[item["line_id"]] += item["quantity"]
        if req.method not in (Method.HOME, Method.STS):
            assert not req.packages, f"{order.number}: {req.method} request {req.id} has packages"
            continue
        assert bool(req.packages) == (req.status == RequestStatus.SHIPPED) or req.is_open, (
            f"{order.number}: request {req.id} is {req.status} with {len(req.packages)} package(s)"
        )
        if req.method == Method.HOME:
            shipped = Counter()
            for p in order.parts_of(req):
                if p.status == LineStatus.SHIPPED:
                    shipped[p.line_id] += p.quantity
            assert packed == shipped, f"{order.number}: request {req.id} packages {packed} != shipped {shipped}"
            delivered.update(packed)
        else:
            travelling = Counter()
            for p in order.parts:
                if p.via is req and p.reason == Reason.PENDING_ARRIVAL:
                    travelling[p.line_id] += p.quantity
            assert not travelling - packed, f"{order.number}: units in transit from {req.id} in no package"
    for p in order.parts:
        if p.status == LineStatus.SHIPPED and p.reason == Reason.COLLECTED:
            delivered[p.line_id] += p.quantity
    for line_id, units in delivered.items():
        assert units <= lines[line_id].quantity, f"{order.number} line {line_id}: {units} shipped, more than ordered"


def _every_package_has_its_event(s) -> None:  # type: ignore[no-untyped-def]
    packages = s.scalar(select(func.count()).select_from(t.packages))
    events = s.scalar(select(func.count()).select_from(t.outbox).where(t.outbox.c.topic == "shipment.shipped"))
    assert packages == events, f"{packages} packages but {events} shipment.shipped events"
