"""Order commands: place (idempotent), release a hold, cancel, source a batch.

Each handler runs in one unit of work (retried by ``transact`` when another
transaction took the stock or inserted the same order first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from oms.domain import cancellation, holds
from oms.domain.allocation import flag_backorder_exceptions, record_preshipped
from oms.domain.cancellation import CANCEL_REASONS
from oms.domain.order import Order, OrderLine
from oms.domain.statuses import HANDED_OVER, LineStatus, OrderStatus, Reason
from oms.errors import Conflict, FieldError, InvalidInput, Refused
from oms.intake_money import OrderMoney, money_problems, order_money
from oms.limits import MAX_CODE, refuse_bad_texts
from oms.schemas import load_intake_order
from oms.service.app import Oms, transact
from oms.service.intake_checks import check_against_catalog, conflict, payload_digest
from oms.service.sourcing import source_waiting
from oms.service.unit_of_work import UnitOfWork
from sourcing_engine import Order as EngineOrder


@dataclass(frozen=True, slots=True)
class Placed:
    channel: str
    order_id: str
    status: str
    reason: str | None
    created: bool  # False: the same payload was placed before, this is that order
    units: dict[str, int] = field(default_factory=dict)  # see ``unit_summary``
    cancelled: dict[str, int] = field(default_factory=dict)  # cancelled units by reason

    def as_json(self) -> dict[str, object]:
        return {
            "order_id": self.order_id,
            "channel": self.channel,
            "status": str(self.status),
            "reason": self.reason,
            "created": self.created,
            "units": self.units,
            "cancelled_by_reason": self.cancelled,
        }


def unit_summary(order: Order) -> tuple[dict[str, int], dict[str, int]]:
    """Where the order's units are (ordered, allocated to sources, shipped, waiting, cancelled); why cancelled."""
    units = dict.fromkeys(("ordered", "allocated", "shipped", "waiting", "cancelled"), 0)
    cancelled: dict[str, int] = {}
    for part in order.parts:
        units["ordered"] += part.quantity
        if part.status in HANDED_OVER:
            units["shipped"] += part.quantity
        elif part.status == LineStatus.CANCELLED:
            units["cancelled"] += part.quantity
            cancelled[part.reason or ""] = cancelled.get(part.reason or "", 0) + part.quantity
        elif part.status in (LineStatus.NEW, LineStatus.RESOURCED):
            units["waiting"] += part.quantity
        else:
            units["allocated"] += part.quantity
    return units, cancelled


def _placed(order: Order, created: bool) -> Placed:
    units, cancelled = unit_summary(order)
    return Placed(order.channel, order.number, order.status, order.reason, created, units, cancelled)


def place_order(app: Oms, doc: Any, actor: str = "intake") -> Placed:
    """Validate (every error at once), record, and source directly unless the channel batches."""
    engine_order, extra = load_intake_order(doc)
    digest = payload_digest(doc)
    attempts = 0

    def work(uow: UnitOfWork) -> Placed:
        nonlocal attempts
        attempts += 1
        # A new order needs no look-up: the unique (channel, id) key refuses a second insert, and the retry
        # that follows finds the order placed before.
        existing = uow.orders.find(engine_order.id, engine_order.channel) if attempts > 1 else None
        if existing is not None:
            if existing.payload_hash != digest:
                raise Conflict(conflict(engine_order))
            return _placed(existing, False)
        order = record_order(app, uow, doc, (engine_order, extra), digest, actor)
        uow.commit()
        return _placed(order, True)

    return transact(app, work)


def record_order(
    app: Oms,
    uow: UnitOfWork,
    doc: dict[str, Any],
    loaded: tuple,
    digest: str,
    actor: str,
    hold: tuple[str, str] | None = None,
) -> Order:
    """Check a loaded order against the catalog, record it and source it unless its channel batches.

    ``hold`` (a hold reason and its note) keeps it ON HOLD instead, as an exchange waiting for its return.
    """
    engine_order, extra = loaded
    snapshot = uow.catalog.snapshot()
    original = extra["original_order_id"]
    known_original = original is None or uow.orders.find(original, engine_order.channel) is not None
    check_against_catalog(engine_order, snapshot, None if known_original else original)
    money = _money(doc, snapshot.channels[engine_order.channel].currency)
    products = uow.catalog.products(snapshot, {ln.sku for ln in engine_order.lines})
    ctx = uow.context(actor)
    order = _new_order(engine_order, extra, products, digest, ctx, money)
    uow.orders.add(order)
    record_preshipped(order, {sku: p.manage_stock for sku, p in products.items()}, ctx)
    channel = snapshot.channels[order.channel]
    if hold is not None and order.waiting_parts():
        holds.hold(order, hold[0], hold[1], ctx)
    elif channel.remorse_minutes and order.waiting_parts():
        holds.start_remorse(order, channel.remorse_minutes, ctx)
    elif channel.sourcing_mode == "direct" or order.delivery_method == "pickup":  # MOM: ISPU is always direct
        source_waiting(app, uow, order, ctx)
    order.refresh_status(ctx)
    return order


def _money(doc: dict[str, Any], channel_currency: str) -> OrderMoney:
    """The order's amounts in its currency (the channel's unless it names one), checked to its minor unit."""
    currency = doc.get("currency") or channel_currency
    problems = money_problems(doc, currency)
    if problems:
        raise InvalidInput(problems)
    return order_money(doc, currency)


def _new_order(o: EngineOrder, extra: dict[str, Any], products: dict, digest: str, ctx, money: OrderMoney) -> Order:  # type: ignore[no-untyped-def]
    lines = [
        OrderLine(
            ln.id,
            ln.sku,
            ln.quantity,
            money.lines[i].unit_price,
            ln.bundle,
            products[ln.sku].type if ln.sku in products else "physical",
            ln.preshipped_source,
            ln.allow_backorder,
            dict(ln.attributes),
            position=i,
            discount=money.lines[i].discount,
            tax=money.lines[i].tax,
        )
        for i, ln in enumerate(o.lines)
    ]
    address = None
    if o.delivery.address is not None:
        a = o.delivery.address
        address = {"lat": a.lat, "lon": a.lon, "country": a.country, "postcode": a.postcode, **extra["shipping"]}
    return Order(
        o.channel,
        o.id,
        lines,
        o.delivery.method,
        ctx,
        order_type=extra["type"],
        original_number=extra["original_order_id"],
        address=address,
        pickup_source=o.delivery.pickup_source,
        created_at=o.created_at,
        attributes=dict(o.attributes),
        payload_hash=digest,
        currency=money.currency,
        service_lines=money.service_lines,
        customer=extra["customer"],
        billing_address=extra["billing_address"],
    )


def release_hold(app: Oms, number: str, channel: str | None = None, actor: str = "operator") -> Placed:
    def work(uow: UnitOfWork) -> Placed:
        order = uow.orders.by_number(number, channel, lock=True)
        if order.status != OrderStatus.ONHOLD:
            raise Refused(f"order {number} is {order.status}; only ONHOLD orders are released")
        ctx = uow.context(actor)
        # A released manual or remorse hold leaves the rules free to hold the order; a released rule hold does not.
        order.hold_released = holds.lift(order) or order.hold_released  # the reason stays in the history
        source_waiting(app, uow, order, ctx, order.waiting_parts(include_hold=True))
        order.refresh_status(ctx)
        uow.commit()
        return _placed(order, False)

    return transact(app, work)


def cancel_order(
    app: Oms,
    number: str,
    lines: dict[str, int | None] | None = None,
    channel: str | None = None,
    reason: str = Reason.CUSTOMERREQ,
    actor: str = "operator",
) -> int:
    """Cancel the whole order (``lines=None``) or some units of some lines; returns the units cancelled.

    ``reason`` is one of ``CANCEL_REASONS``: a code other systems act on, never free text.
    """
    if reason not in CANCEL_REASONS:
        raise InvalidInput([FieldError("reason", f"must be one of {', '.join(CANCEL_REASONS)}")])

    def work(uow: UnitOfWork) -> int:
        order = uow.orders.by_number(number, channel, lock=True)
        ctx = uow.context(actor)
        units = cancellation.cancel(order, lines, reason, ctx)  # the commit refunds what it cancelled
        order.refresh_status(ctx)
        uow.commit()
        return units

    return transact(app, work)


def resource_waiting(
    app: Oms, skus: set[str] | None = None, *, include_new: bool = False, actor: str = "sourcing"
) -> int:
    """Source again, oldest order first, every order with units waiting (for ``skus``); returns orders sourced.

    ``include_new`` also takes orders of batch channels that were never sourced (a sourcing wave).
    """
    refuse_bad_texts(*(("sku", sku, MAX_CODE, True) for sku in sorted(skus or ())))
    ids = transact(app, lambda uow: uow.orders.waiting(skus, include_new=include_new), readonly=True)
    sourced = 0
    for order_id in ids:

        def work(uow: UnitOfWork, order_id: int = order_id) -> int:
            order = uow.orders.get(order_id, lock=True)
            parts = [p for p in order.waiting_parts() if include_new or p.reason != Reason.INITIALORDER]
            if not parts or order.is_final or order.status in (OrderStatus.ONHOLD, OrderStatus.ERROR):
                return 0
            ctx = uow.context(actor)
            outcome = source_waiting(app, uow, order, ctx, parts)
            order.refresh_status(ctx)
            uow.commit()
            return 1 if outcome.allocated or outcome.cancelled else 0

        sourced += transact(app, work)
    return sourced


def flag_exceptions(app: Oms, actor: str = "sourcing") -> int:
    """Flag units backordered longer than their channel's threshold; returns the units newly flagged."""
    ids = transact(app, lambda uow: uow.orders.waiting(), readonly=True)
    flagged = 0
    for order_id in ids:

        def work(uow: UnitOfWork, order_id: int = order_id) -> int:
            order = uow.orders.get(order_id, lock=True)
            days = uow.catalog.snapshot().channels[order.channel].backorder_exception_days
            if days is None:
                return 0
            units = flag_backorder_exceptions(order, days, uow.context(actor))
            if units:
                uow.commit()
            return units

        flagged += transact(app, work)
    return flagged
