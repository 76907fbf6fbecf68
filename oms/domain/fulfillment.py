"""Fulfillment steps on a shipment request: acknowledge, pick, pack, ship, decline; receive and collect in store.

Home delivery and ship-to-store requests go NEW -> ACKNOWLEDGED -> PICKING ->
PACKED -> SHIPPED (steps may be skipped, never reversed); they ship in one
or more packages, and are SHIPPED when the last open unit left.  An ISPU request at
the pickup store goes NEW -> READY (picked, ready for collection) ->
COLLECTED; ship-to-store units wait there "pending arrival" until received.
Each step returns nothing; the order collects events and stock moves.
"""

from __future__ import annotations

from oms.domain.events import Context, ShipmentShipped
from oms.domain.order import Order
from oms.domain.parts import LinePart, StockMove, consume
from oms.domain.requests import Package, ShipmentRequest
from oms.domain.statuses import LineStatus, Method, Reason, RequestStatus, check_request_transition
from oms.errors import FieldError, InvalidInput, Refused

L = LineStatus
R = RequestStatus
AT_SOURCE = (L.ALLOCATEDSHIP, L.RECEIVEDBYLOGISTICS, L.PICKCONFIRMED)
IN_STORE = (L.ITEM_PENDING_PICKING, L.PICKREADY)


def acknowledge(order: Order, req: ShipmentRequest, ctx: Context) -> None:
    _step(order, req, R.ACKNOWLEDGED, ctx)
    if req.method in (Method.HOME, Method.STS):
        for part in _open(order, req, (L.ALLOCATEDSHIP,)):
            order.move(part, part.quantity, L.RECEIVEDBYLOGISTICS, Reason.OSREPORTREC, ctx)


def pick(order: Order, req: ShipmentRequest, ctx: Context) -> None:
    if req.method == Method.ISPU:
        _refuse_while_arriving(order, req, "picked")
        if req.status != R.READY:  # a READY request picks again what was sourced to it since
            _step(order, req, R.READY, ctx)
        for part in _open(order, req, (L.ITEM_PENDING_PICKING,)):
            order.move(part, part.quantity, L.PICKREADY, Reason.PICKED, ctx)
        return
    _step(order, req, R.PICKING, ctx)
    for part in _open(order, req, (L.ALLOCATEDSHIP, L.RECEIVEDBYLOGISTICS)):
        order.move(part, part.quantity, L.PICKCONFIRMED, Reason.PICKED, ctx)


def _refuse_while_arriving(order: Order, req: ShipmentRequest, verb: str) -> None:
    missing = order.incoming(req) + [p for p in order.parts_of(req) if p.reason == Reason.PENDING_ARRIVAL]
    if missing:
        lines = ", ".join(f"{p.quantity} of line {p.line_id}" for p in missing)
        raise Refused(f"shipment request {req.id}: {lines} not arrived at {req.source} yet; it cannot be {verb}")


def pack(order: Order, req: ShipmentRequest, ctx: Context) -> None:
    _physical_only(req, "packed")
    _step(order, req, R.PACKED, ctx)


def ship(
    order: Order,
    req: ShipmentRequest,
    carrier: str,
    tracking: str,
    ctx: Context,
    lines: dict[str, int | None] | None = None,
) -> Package:
    """Units leave the source as one package; the request is SHIPPED once nothing is left to ship.

    ``lines`` maps line ids to a quantity (``None``: all of the line's open
    units on the request); no ``lines`` ships every open unit.
    """
    _physical_only(req, "shipped")
    errors = [
        FieldError(name, "must not be empty")
        for name, value in (("carrier", carrier), ("tracking", tracking))
        if not value or not value.strip()
    ]
    if errors:
        raise InvalidInput(errors)
    if not req.is_open:
        check_request_transition(req.id or 0, req.status, R.SHIPPED)  # names the status it is in
    chosen = _choose(order, req, _open(order, req, AT_SOURCE), lines)
    if not chosen:
        raise Refused(f"shipment request {req.id} has no units left to ship")
    package = Package(carrier.strip(), tracking.strip(), [], ctx.now)
    for part, quantity in chosen:
        package.lines.append({"line_id": part.line_id, "sku": part.sku, "quantity": quantity})
        order.moves.append(StockMove(req.source, part.sku, on_hand=-quantity, reserved=-quantity, cause="ship"))
        _hand_over(order, req, part, quantity, ctx)
    req.packages.append(package)
    req.carrier, req.tracking = package.carrier, package.tracking
    if not any(not p.is_final for p in order.parts_of(req)):
        _step(order, req, R.SHIPPED, ctx)
    order.events.append(ShipmentShipped(order, req, package, ctx.now))
    return package


def _hand_over(order: Order, req: ShipmentRequest, part: LinePart, quantity: int, ctx: Context) -> None:
    """Shipped units reach the customer, or (ship to store) travel to the pickup store's request."""
    if req.method != Method.STS:
        order.move(part, quantity, L.SHIPPED, Reason.OSREPORT, ctx, reserved_at=None)
        return
    store = part.handover
    assert store is not None
    order.move(
        part,
        quantity,
        L.ITEM_PENDING_PICKING,
        Reason.PENDING_ARRIVAL,
        ctx,
        request=store,
        source=store.source,
        reserved_at=None,
        via=req,
    )


def receive(order: Order, req: ShipmentRequest, ctx: Context) -> None:
    """Ship-to-store units arrive at the pickup store: its stock holds them for the customer."""
    if req.method != Method.ISPU or not req.is_open:
        raise Refused(
            f"shipment request {req.id} is {req.method} and {req.status}; only open ISPU requests receive goods"
        )
    arriving = [
        p for p in order.parts_of(req) if p.reason == Reason.PENDING_ARRIVAL and p.status == L.ITEM_PENDING_PICKING
    ]
    if not arriving:
        raise Refused(f"shipment request {req.id} has nothing in transit to {req.source}")
    for part in arriving:
        order.moves.append(
            StockMove(
                req.source, part.sku, on_hand=part.quantity, reserved=part.quantity, cause="ship_to_store_received"
            )
        )
        order.move(part, part.quantity, L.ITEM_PENDING_PICKING, Reason.ARRIVED, ctx, reserved_at=req.source)


def collect(order: Order, req: ShipmentRequest, ctx: Context) -> None:
    """The customer takes the whole order: refused while units are still to arrive or to pick."""
    if req.method != Method.ISPU:
        raise Refused(f"shipment request {req.id} is {req.method}; only ISPU requests are collected")
    _refuse_while_arriving(order, req, "collected")
    unpicked = _open(order, req, (L.ITEM_PENDING_PICKING,))
    if unpicked and req.status == R.READY:
        lines = ", ".join(f"{p.quantity} of line {p.line_id}" for p in unpicked)
        raise Refused(f"shipment request {req.id}: {lines} not picked yet; pick before collection")
    _step(order, req, R.COLLECTED, ctx)
    for part in _open(order, req, (L.PICKREADY,)):
        order.moves.append(
            StockMove(req.source, part.sku, on_hand=-part.quantity, reserved=-part.quantity, cause="collect")
        )
        order.move(part, part.quantity, L.SHIPPED, Reason.COLLECTED, ctx, reserved_at=None)


def decline(
    order: Order, req: ShipmentRequest, lines: dict[str, int | None] | None, note: str | None, ctx: Context
) -> list[LinePart]:
    """The source cannot fulfil these units: PICKDECLINED, then RESOURCED without that source.

    ``lines`` maps line ids to a quantity (``None``: all of the line's units on
    the request); no ``lines`` declines every open unit.  Returns the parts to
    source again.
    """
    if not req.is_open or req.method in (Method.PRESHIPPED, Method.VIRTUAL):
        raise Refused(f"shipment request {req.id} is {req.status}; it cannot decline lines")
    states = IN_STORE if req.method == Method.ISPU else AT_SOURCE
    candidates = [p for p in _open(order, req, states) if p.reason != Reason.PENDING_ARRIVAL]
    chosen = _choose(order, req, candidates, lines)
    resourced = []
    for part, quantity in chosen:
        order.moves.append(StockMove(req.source, part.sku, reserved=-quantity, cause="decline"))
        declined = order.move(part, quantity, L.PICKDECLINED, Reason.DECLINED, ctx, note, reserved_at=None)
        line = order.line(part.line_id)
        if req.source not in line.declined_sources:
            line.declined_sources = [*line.declined_sources, req.source]
        resourced.append(
            order.move(
                declined, quantity, L.RESOURCED, Reason.RESOURCING, ctx, source=None, request=None, handover=None
            )
        )
    close_empty_requests(order, Reason.DECLINED, ctx, note)
    return resourced


def close_empty_requests(order: Order, reason: str, ctx: Context, note: str | None = None) -> None:
    """An open request left with nothing to do (the rest declined or cancelled) is closed.

    It is SHIPPED (PARTIALLYSHIPPED) when some of its packages left, else CANCELLED.
    """
    for req in order.requests:
        if req.is_open and not any(not p.is_final for p in order.parts if p.request is req or p.handover is req):
            if req.packages:
                previous = req.move(R.SHIPPED, ctx.now)
                order.record_request(req, previous, Reason.PARTIALLYSHIPPED, ctx, note)
            else:
                previous = req.move(R.CANCELLED, ctx.now)
                order.record_request(req, previous, reason, ctx, note)


def _choose(
    order: Order, req: ShipmentRequest, candidates: list[LinePart], lines: dict[str, int | None] | None
) -> list[tuple[LinePart, int]]:
    if lines is None:
        return [(p, p.quantity) for p in candidates]
    errors, chosen = [], []
    for line_id, quantity in lines.items():
        mine = [p for p in candidates if p.line_id == line_id]
        have = sum(p.quantity for p in mine)
        if not mine:
            errors.append(FieldError(f"lines.{line_id}", f"request {req.id} holds no open units of this line"))
        elif quantity is not None and not 0 < quantity <= have:
            errors.append(FieldError(f"lines.{line_id}", f"quantity must be between 1 and {have}"))
        else:
            chosen.extend(consume(mine, have if quantity is None else quantity))
    if errors:
        raise InvalidInput(errors)
    return chosen


def _step(order: Order, req: ShipmentRequest, target: RequestStatus, ctx: Context) -> None:
    previous = req.move(target, ctx.now)
    order.record_request(req, previous, None, ctx)


def _open(order: Order, req: ShipmentRequest, states: tuple[LineStatus, ...]) -> list[LinePart]:
    return [p for p in order.parts_of(req) if p.status in states]


def _physical_only(req: ShipmentRequest, verb: str) -> None:
    if req.method not in (Method.HOME, Method.STS):
        raise Refused(f"shipment request {req.id} is {req.method}; only HOME and STS requests are {verb}")
