"""Checks of orders at intake: a batch before any is placed, and an order against the catalog.

``check_orders`` reports every problem of a batch, in batch order, so that a
sender can fix a file of orders in one go; ``check_against_catalog`` is what
every placed order must pass (the channel, its pickup store, its limits).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from oms.domain.catalog import CatalogSnapshot
from oms.errors import Conflict, FieldError, InvalidInput, OmsError
from oms.schemas import load_intake_order
from oms.service.app import Oms, transact
from oms.service.unit_of_work import UnitOfWork
from sourcing_engine import Order as EngineOrder


def payload_digest(doc: Any) -> str:
    return hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def check_orders(app: Oms, docs: list[Any]) -> list[tuple[int, OmsError]]:
    """Every problem of a batch of orders, before any is placed: (position, problem), in batch order.

    Each payload is checked whole, then against the others (an id given twice
    with different payloads), the catalog (channels, pickup stores, the
    channel's limit per line) and the orders already placed (an id taken by
    another payload).  The same payload twice is fine: placing is idempotent.
    """
    problems: list[tuple[int, OmsError]] = []
    batch: list[tuple[int, EngineOrder, dict[str, Any], str]] = []
    first: dict[tuple[str, str], tuple[int, str]] = {}
    for i, doc in enumerate(docs):
        try:
            order, extra = load_intake_order(doc)
        except InvalidInput as err:
            problems.append((i, err))
            continue
        digest = payload_digest(doc)
        seen = first.setdefault((order.channel, order.id), (i, digest))
        if seen[1] != digest:
            where = f"order {order.id!r} comes first at position {seen[0] + 1} of the batch with a different payload"
            problems.append((i, InvalidInput([FieldError("id", where)])))
        elif seen[0] == i:
            batch.append((i, order, extra, digest))

    def read(uow: UnitOfWork) -> None:
        snapshot = uow.catalog.snapshot()
        placed = uow.orders.payload_hashes([(o.channel, o.id) for _, o, _, _ in batch])
        in_batch = set(first)
        for i, order, extra, digest in batch:
            if placed.get((order.channel, order.id), digest) != digest:
                problems.append((i, Conflict(conflict(order))))
            original = extra["original_order_id"]
            known = (
                original is None
                or (order.channel, original) in in_batch
                or uow.orders.find(original, order.channel) is not None
            )
            try:
                check_against_catalog(order, snapshot, None if known else original)
            except InvalidInput as err:
                problems.append((i, err))

    transact(app, read, readonly=True)
    return sorted(problems, key=lambda p: p[0])


def conflict(order: EngineOrder) -> str:
    return f"order {order.id!r} in channel {order.channel!r} exists with a different payload"


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
        if channel is not None and line.quantity > channel.max_line_quantity:
            limit = f"must be at most {channel.max_line_quantity:,} (channel {channel.code!r}'s limit per line)"
            errors.append(FieldError(f"lines[{i}].quantity", limit))
        if line.preshipped_source is not None and line.preshipped_source not in snapshot.sources:
            errors.append(FieldError(f"lines[{i}].preshipped_source", f"unknown source {line.preshipped_source!r}"))
    if errors:
        raise InvalidInput(errors)
