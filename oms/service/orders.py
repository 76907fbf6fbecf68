"""Order commands: place (idempotent), release a hold, cancel, source a batch.

Each handler runs in one unit of work (retried by ``transact`` when another
transaction took the stock or inserted the same order first).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from oms.domain import cancellation
from oms.domain.allocation import flag_backorder_exceptions, record_preshipped
from oms.domain.catalog import CatalogSnapshot
from oms.domain.order import Order, OrderLine
from oms.domain.statuses import OrderStatus, Reason
from oms.errors import Conflict, FieldError, InvalidInput, Refused
from oms.schemas import load_intake_order
from oms.service.app import Oms, transact
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

    def as_json(self) -> dict[str, object]:
        return {
            "order_id": self.order_id,
            "channel": self.channel,
            "status": str(self.status),
            "reason": self.reason,
            "created": self.created,
        }


def place_order(app: Oms, doc: Any, actor: str = "intake") -> Placed:
    """Validate (every error at once), record, and source directly unless the channel batches."""
    engine_order, extra = load_intake_order(doc)
    digest = hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    attempts = 0

    def work(uow: UnitOfWork) -> Placed:
        nonlocal attempts
        attempts += 1
        # A new order needs no look-up: the unique (channel, id) key refuses a second insert, and the retry
        # that follows finds the order placed before.
        existing = uow.orders.find(engine_order.id, engine_order.channel) if attempts > 1 else None
        if existing is not None:
            if existing.payload_hash != digest:
                raise Conflict(
                    f"order {engine_order.id!r} in channel {engine_order.channel!r} exists with a different payload"
                )
            return Placed(existing.channel, existing.number, existing.status, existing.reason, False)
        snapshot = uow.catalog.snapshot()
        original = extra["original_order_id"]
        known_original = original is None or uow.orders.find(original, engine_order.channel) is not None
        check_against_catalog(engine_order, snapshot, None if known_original else original)
        products = uow.catalog.products(snapshot, {ln.sku for ln in engine_order.lines})
        ctx = uow.context(actor)
        order = _new_order(engine_order, extra, products, digest, ctx)
        uow.orders.add(order)
        record_preshipped(order, {sku: p.manage_stock for sku, p in products.items()}, ctx)
        channel = snapshot.channels[order.channel]
        if channel.sourcing_mode == "direct" or order.delivery_method == "pickup":  # MOM: ISPU is always direct
            source_waiting(app, uow, order, ctx)
        order.refresh_status(ctx)
        uow.commit()
        return Placed(order.channel, order.number, order.status, order.reason, True)

    return transact(app, work)


def _new_order(o: EngineOrder, extra: dict[str, Any], products: dict, digest: str, ctx) -> Order:  # type: ignore[no-untyped-def]
    lines = [
        OrderLine(
            ln.id,
            ln.sku,
            ln.quantity,
            ln.unit_price,
            ln.bundle,
            products[ln.sku].type if ln.sku in products else "physical",
            ln.preshipped_source,
            ln.allow_backorder,
            dict(ln.attributes),
            position=i,
        )
        for i, ln in enumerate(o.lines)
    ]
    address = None
    if o.delivery.address is not None:
        a = o.delivery.address
        address = {"lat": a.lat, "lon": a.lon, "country": a.country, "postcode": a.postcode}
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
    )


def check_against_catalog(order: EngineOrder, snapshot: CatalogSnapshot, unknown_original: str | None) -> None:
    errors = []
    if unknown_original is not None:
        errors.append(FieldError("original_order_id", f"no order {unknown_original!r} in channel {order.channel!r}"))
    channel = snapshot.channels.get(order.channel)
    if channel is None:
        known = ", ".join(sorted(snapshot.channels)) or "none: load a network with channels first"
        errors.append(FieldError("channel", f"unknown channel {order.channel!r} (known: {known})"))
    if order.delivery.method == "pickup" and channel is not None:
        store = order.delivery.pickup_source
        if store not in channel.source_codes():
            errors.append(
                FieldError("delivery.pickup_source", f"{store!r} is not a source of channel {channel.code!r}")
            )
        elif "pickup" not in snapshot.sources[store].capabilities:  # type: ignore[index]
            errors.append(FieldError("delivery.pickup_source", f"source {store!r} does not offer pickup"))
    for i, line in enumerate(order.lines):
        if line.preshipped_source is not None and line.preshipped_source not in snapshot.sources:
            errors.append(FieldError(f"lines[{i}].preshipped_source", f"unknown source {line.preshipped_source!r}"))
    if errors:
        raise InvalidInput(errors)


def release_hold(app: Oms, number: str, channel: str | None = None, actor: str = "operator") -> Placed:
    def work(uow: UnitOfWork) -> Placed:
        order = uow.orders.by_number(number, channel, lock=True)
        if order.status != OrderStatus.ONHOLD:
            raise Refused(f"order {number} is {order.status}; only ONHOLD orders are released")
        ctx = uow.context(actor)
        order.hold_released = True
        source_waiting(app, uow, order, ctx, order.waiting_parts(include_hold=True))
        order.refresh_status(ctx)
        uow.commit()
        return Placed(order.channel, order.number, order.status, order.reason, False)

    return transact(app, work)


def cancel_order(
    app: Oms,
    number: str,
    lines: dict[str, int | None] | None = None,
    channel: str | None = None,
    reason: str = Reason.CUSTOMERREQ,
    actor: str = "operator",
) -> int:
    """Cancel the whole order (``lines=None``) or some units of some lines; returns the units cancelled."""

    def work(uow: UnitOfWork) -> int:
        order = uow.orders.by_number(number, channel, lock=True)
        ctx = uow.context(actor)
        units = cancellation.cancel(order, lines, reason, ctx)
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
