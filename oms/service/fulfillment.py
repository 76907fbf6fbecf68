"""Fulfillment commands from sources: acknowledge, pick, pack, ship, decline; receive and collect in store.

Each locks the order the request belongs to, applies one domain step, and
commits; a decline sources the declined units again in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from oms.domain import fulfillment
from oms.domain.events import Context
from oms.domain.order import Order
from oms.domain.requests import Package, ShipmentRequest
from oms.errors import NotFound
from oms.limits import MAX_CARRIER, MAX_NOTE, MAX_TRACKING, refuse_bad_texts
from oms.service.app import Oms, transact
from oms.service.sourcing import source_waiting
from oms.service.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class StepDone:
    request_id: int
    request_status: str
    order_id: str
    channel: str
    order_status: str
    order_reason: str | None
    package_id: int | None = None  # ship: the package that left
    open_units: int = 0  # units of the request still to ship, pick or collect

    def as_json(self) -> dict[str, object]:
        return {
            "request_id": self.request_id,
            "request_status": str(self.request_status),
            "order_id": self.order_id,
            "channel": self.channel,
            "order_status": str(self.order_status),
            "order_reason": self.order_reason,
            **({"package_id": self.package_id, "open_units": self.open_units} if self.package_id else {}),
        }


Channels = frozenset[str] | None  # the channels a caller may touch; None: every channel


def _step(
    app: Oms,
    request_id: int,
    actor: str,
    apply: Callable[[UnitOfWork, Order, ShipmentRequest, Context], object],
    channels: Channels = None,
) -> StepDone:
    def work(uow: UnitOfWork) -> StepDone:
        order = uow.orders.by_request(request_id, lock=True)
        if channels is not None and order.channel not in channels:
            raise NotFound(f"no shipment request {request_id}")  # the same answer as for a missing one
        req = order.request(request_id)
        ctx = uow.context(actor)
        package = apply(uow, order, req, ctx)
        order.refresh_status(ctx)
        uow.commit()
        left = sum(p.quantity for p in order.parts if (p.request is req or p.handover is req) and not p.is_final)
        return StepDone(
            request_id,
            req.status,
            order.number,
            order.channel,
            order.status,
            order.reason,
            package.id if isinstance(package, Package) else None,
            left,
        )

    return transact(app, work)


def acknowledge(app: Oms, request_id: int, actor: str = "source", channels: Channels = None) -> StepDone:
    return _step(app, request_id, actor, lambda uow, o, r, ctx: fulfillment.acknowledge(o, r, ctx), channels)


def pick(app: Oms, request_id: int, actor: str = "source", channels: Channels = None) -> StepDone:
    return _step(app, request_id, actor, lambda uow, o, r, ctx: fulfillment.pick(o, r, ctx), channels)


def pack(app: Oms, request_id: int, actor: str = "source", channels: Channels = None) -> StepDone:
    return _step(app, request_id, actor, lambda uow, o, r, ctx: fulfillment.pack(o, r, ctx), channels)


def ship(
    app: Oms,
    request_id: int,
    carrier: str,
    tracking: str,
    actor: str = "source",
    lines: dict[str, int | None] | None = None,
    channels: Channels = None,
) -> StepDone:
    """One package leaves: ``lines`` (line id -> units, ``None`` for all of the line), or every open unit."""
    check_package(carrier, tracking)
    return _step(
        app,
        request_id,
        actor,
        lambda uow, o, r, ctx: fulfillment.ship(o, r, carrier, tracking, ctx, lines),
        channels,
    )


def check_package(carrier: str, tracking: str) -> None:
    """A carrier and a tracking number the request's columns can keep (the domain checks they are given)."""
    refuse_bad_texts(("carrier", carrier, MAX_CARRIER, True), ("tracking", tracking, MAX_TRACKING, True))


def receive(app: Oms, request_id: int, actor: str = "store", channels: Channels = None) -> StepDone:
    return _step(app, request_id, actor, lambda uow, o, r, ctx: fulfillment.receive(o, r, ctx), channels)


def collect(app: Oms, request_id: int, actor: str = "store", channels: Channels = None) -> StepDone:
    return _step(app, request_id, actor, lambda uow, o, r, ctx: fulfillment.collect(o, r, ctx), channels)


def decline(
    app: Oms,
    request_id: int,
    lines: dict[str, int | None] | None = None,
    note: str | None = None,
    actor: str = "source",
    channels: Channels = None,
) -> StepDone:
    refuse_bad_texts(("note", note, MAX_NOTE, False))

    def apply(uow: UnitOfWork, order: Order, req: ShipmentRequest, ctx: Context) -> None:
        resourced = fulfillment.decline(order, req, lines, note, ctx)
        source_waiting(app, uow, order, ctx, resourced)

    return _step(app, request_id, actor, apply, channels)
