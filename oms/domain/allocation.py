"""Turning the engine's plan into allocations: hard (stock reserved, a shipment request per source) or soft.

The plan covers the units that were waiting.  Shipped kinds become shipment
requests and reservations; backorders and the engine's waiting reasons stay
soft allocated (no stock held) with a reason; what can never be filled is
cancelled.  The stock moves are returned to the caller, which must make them
stick (or re-source) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from oms.domain.events import BackorderException, Context, RequestCreated
from oms.domain.order import Order
from oms.domain.parts import LinePart, StockMove, consume
from oms.domain.requests import ShipmentRequest
from oms.domain.statuses import LineStatus, Method, Reason, RequestStatus
from sourcing_engine.plan import Plan

L = LineStatus
DECLINED_RULE = "declined by "  # prefix of the engine exclusions the OMS adds for sources that declined

WAIT_FOR = {
    "bundle_not_in_one_source": Reason.BUNDLE_WAITING,
    "shipment_limit": Reason.SHIPMENT_LIMIT,
    "waiting_for_complete": Reason.WAITING_COMPLETE,
    "on_hold": Reason.ONHOLD,
}
CANCEL_FOR = {
    "out_of_stock": Reason.OUTOFSTOCK,
    "no_eligible_source": Reason.NOSOURCE,
    "excluded_by_rule": Reason.EXCLUDEDBYRULE,
}


@dataclass(slots=True)
class SourcingOutcome:
    moves: list[StockMove] = field(default_factory=list)
    allocated: int = 0
    waiting: int = 0
    cancelled: int = 0


def apply_plan(
    order: Order, plan: Plan, parts: list[LinePart], unmanaged: set[tuple[str, str]], ctx: Context
) -> SourcingOutcome:
    """Allocate ``parts`` (the waiting units the plan was made for) as ``plan`` says.

    ``unmanaged`` holds the (source, sku) pairs whose stock is not counted
    (unlimited rows, products without managed stock): virtual lines delivered
    from them move no stock.
    """
    queue: dict[str, list[LinePart]] = {}
    for part in parts:
        queue.setdefault(part.line_id, []).append(part)
    outcome = SourcingOutcome()
    order.sourcing_attempts += 1
    if plan.hold is not None:
        order.hold = plan.hold
    pickup: ShipmentRequest | None = None

    def ispu() -> ShipmentRequest:
        # One pickup store, one open ISPU request per order (MOM): units sourced again join the open one.
        nonlocal pickup
        if pickup is None:
            store = order.pickup_source or ""
            pickup = order.open_pickup_request() or _new_request(order, store, Method.ISPU, store, ctx)
        return pickup

    for shipment in plan.shipments:
        kind = shipment.kind
        if kind == "preshipped":
            continue
        if kind == "virtual":
            req = _new_request(order, shipment.source, Method.VIRTUAL, "customer", ctx, RequestStatus.SHIPPED)
        elif kind == "pickup":
            req = ispu()
        elif kind == "ship_to_store":
            req = _new_request(order, shipment.source, Method.STS, shipment.destination, ctx)
        else:
            req = _new_request(order, shipment.source, Method.HOME, "customer", ctx)
        for planned in shipment.lines:
            for part, q in consume(queue[planned.line_id], planned.quantity):
                _allocate(order, part, q, req, kind, ispu if kind == "ship_to_store" else None, unmanaged, outcome, ctx)
    for back in plan.backorders:
        _wait(order, queue[back.line_id], back.quantity, Reason.BACKORDERED, outcome, ctx)
    for miss in plan.unsourced:
        if miss.reason in WAIT_FOR:
            _wait(order, queue[miss.line_id], miss.quantity, WAIT_FOR[miss.reason], outcome, ctx)
            continue
        reason = CANCEL_FOR.get(miss.reason, Reason.OUTOFSTOCK)
        if miss.reason == "excluded_by_rule" and all(r.startswith(DECLINED_RULE) for r in miss.rules):
            reason = Reason.OUTOFSTOCK
        for part, q in consume(queue[miss.line_id], miss.quantity):
            order.move(part, q, L.CANCELLED, reason, ctx, source=None, request=None, handover=None)
            outcome.cancelled += q
    return outcome


def _new_request(
    order: Order, source: str, method: Method, destination: str, ctx: Context, status: RequestStatus = RequestStatus.NEW
) -> ShipmentRequest:
    req = order.add_request(ShipmentRequest(source, method, destination, ctx.now, status))
    order.events.append(RequestCreated(order, req, ctx.now))
    order.record_request(req, None, Reason.SHIPMENTCREATED if status == RequestStatus.NEW else method.value, ctx)
    return req


def _allocate(
    order: Order,
    part: LinePart,
    quantity: int,
    req: ShipmentRequest,
    kind: str,
    ispu,
    unmanaged,
    outcome: SourcingOutcome,
    ctx: Context,
) -> None:
    source = req.source
    if kind == "virtual":
        order.move(part, quantity, L.SHIPPED, Reason.VIRTUAL, ctx, source=source, request=req)
        if (source, part.sku) not in unmanaged:
            outcome.moves.append(StockMove(source, part.sku, on_hand=-quantity, checked=True, cause="virtual"))
    elif kind == "pickup":
        order.move(
            part,
            quantity,
            L.ITEM_PENDING_PICKING,
            Reason.SHIPMENTCREATED,
            ctx,
            source=source,
            request=req,
            reserved_at=source,
        )
        outcome.moves.append(StockMove(source, part.sku, reserved=quantity, checked=True, cause="reserve"))
    else:
        handover = ispu() if ispu is not None else None
        order.move(
            part,
            quantity,
            L.ALLOCATEDSHIP,
            Reason.SHIPMENTCREATED,
            ctx,
            source=source,
            request=req,
            handover=handover,
            reserved_at=source,
        )
        outcome.moves.append(StockMove(source, part.sku, reserved=quantity, checked=True, cause="reserve"))
    outcome.allocated += quantity


def _wait(
    order: Order, queue: list[LinePart], quantity: int, reason: str, outcome: SourcingOutcome, ctx: Context
) -> None:
    for part, q in consume(queue, quantity):
        order.move(part, q, L.NEW, reason, ctx)
        outcome.waiting += q


def record_preshipped(order: Order, managed: dict[str, bool], ctx: Context) -> None:
    """Lines handed over before the order reached us: a request already shipped, the source's stock deducted."""
    requests: dict[str, ShipmentRequest] = {}
    for line in order.lines:
        if line.preshipped_source is None:
            continue
        code = line.preshipped_source
        req = requests.get(code) or _new_request(order, code, Method.PRESHIPPED, "customer", ctx, RequestStatus.SHIPPED)
        requests[code] = req
        for part in [p for p in order.parts if p.line_id == line.line_id and p.status == L.NEW]:
            order.move(part, part.quantity, L.PRESHIPPED, Reason.PRESHIPPED, ctx, source=code, request=req)
            if managed.get(line.sku, True):
                order.moves.append(StockMove(code, line.sku, on_hand=-part.quantity, cause="preshipped"))


def flag_backorder_exceptions(order: Order, days: int, ctx: Context) -> int:
    """Units waiting for stock longer than ``days`` become exceptions (MOM's exception queue); returns how many."""
    limit = ctx.now - timedelta(days=days)
    flagged = 0
    for part in order.parts:
        if part.is_waiting and part.reason != Reason.INITIALORDER and not part.exception and part.since <= limit:
            part.exception = True
            order.events.append(BackorderException(order, part.line_id, part.quantity, part.since, ctx.now))
            flagged += part.quantity
    return flagged
