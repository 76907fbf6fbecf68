"""The exception queue (MOM): units waiting too long, with what is missing, for someone to act on.

A waiting unit is an exception once it has waited longer than its channel's
``backorder_exception_days`` (or was flagged so by a sourcing wave).  Every
row has a ``kind`` saying what it waits for:

- ``backorder``: stock of its SKU;
- ``bundle_waiting``: a bundle (all its waiting lines in one row) that no
  single source can ship, or whose lines wait for stock;
- ``shipment_limit``: stock exists, but not within the allowed number of shipments;
- ``waiting_complete``: ``partial hold`` keeps the order until all of it can ship.

Each row gives its age, its lines and ``missing``: per line, what is wanted
and what the channel can sell now (and, for a bundle, the most one source holds).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from oms.domain.catalog import CatalogSnapshot, sellable
from oms.domain.order import Order
from oms.domain.parts import LinePart
from oms.domain.statuses import Reason
from oms.errors import FieldError, InvalidInput
from oms.service.app import Oms, transact
from oms.service.unit_of_work import UnitOfWork

KINDS = {
    Reason.BACKORDERED: "backorder",
    Reason.BUNDLE_WAITING: "bundle_waiting",
    Reason.SHIPMENT_LIMIT: "shipment_limit",
    Reason.WAITING_COMPLETE: "waiting_complete",
}
KIND_NAMES = ("backorder", "bundle_waiting", "shipment_limit", "waiting_complete")
Stock = dict[str, dict[str, tuple[int, int, int, bool]]]  # sku -> source -> (on_hand, reserved, safety, unlimited)


@dataclass(frozen=True, slots=True)
class Group:
    kind: str
    parts: tuple[LinePart, ...]


def exceptions_view(
    app: Oms, channel: str | None = None, kind: str | None = None, everything: bool = False
) -> list[dict[str, Any]]:
    """Exception rows, oldest first; ``everything`` lists every waiting unit, whatever its age."""
    if kind is not None and kind not in KIND_NAMES:
        raise InvalidInput([FieldError("kind", f"unknown exception kind {kind!r}; valid: {', '.join(KIND_NAMES)}")])

    def read(uow: UnitOfWork) -> list[dict[str, Any]]:
        snapshot = uow.catalog.snapshot()
        if channel is not None and channel not in snapshot.channels:
            raise InvalidInput([FieldError("channel", f"unknown channel {channel!r}")])
        orders = [uow.orders.get(order_id) for order_id in uow.orders.waiting()]
        orders = [o for o in orders if channel is None or o.channel == channel]
        skus = {p.sku for o in orders for p in o.waiting_parts()}
        stock: Stock = {}
        for row in uow.stock.rows(skus):
            stock.setdefault(row.sku, {})[row.source] = (row.on_hand, row.reserved, row.safety_stock, row.unlimited)
        rows = []
        for order in orders:
            days = snapshot.channels[order.channel].backorder_exception_days
            for group in _groups(order):
                row = _row(order, group, snapshot, stock, uow.now)
                due = days is not None and uow.now - row["since_dt"] >= timedelta(days=days)
                if (kind is None or row["kind"] == kind) and (everything or row["flagged"] or due):
                    rows.append(row)
        rows.sort(key=lambda r: (r["since_dt"], r["order_id"]))
        for row in rows:
            del row["since_dt"]
        return rows

    return transact(app, read, readonly=True)


def _groups(order: Order) -> list[Group]:
    """Waiting parts by kind; a bundle's waiting lines make one group."""
    groups: dict[tuple[str, str], list[LinePart]] = {}
    for part in order.waiting_parts():
        if part.reason == Reason.INITIALORDER:
            continue
        bundle = order.line(part.line_id).bundle
        kind = KINDS.get(part.reason or "", "backorder")
        if bundle is not None and kind in ("backorder", "bundle_waiting"):
            groups.setdefault(("bundle_waiting", bundle), []).append(part)
        else:
            groups.setdefault((kind, part.line_id), []).append(part)
    return [Group(kind, tuple(parts)) for (kind, _), parts in groups.items()]


def _row(order: Order, group: Group, snapshot: CatalogSnapshot, stock: Stock, now: datetime) -> dict[str, Any]:
    wanted: dict[str, int] = {}
    for part in group.parts:
        wanted[part.line_id] = wanted.get(part.line_id, 0) + part.quantity
    channel = snapshot.channels[order.channel]
    enabled = [code for code, _ in channel.links if code in snapshot.sources and snapshot.sources[code].enabled]
    lines, missing = [], []
    for line_id, quantity in wanted.items():
        sku = order.line(line_id).sku
        at = stock.get(sku, {})
        figure = sellable([at[c] for c in enabled if c in at])
        now_sellable = None if figure == float("inf") else int(figure)
        best = max((_available(at[c]) for c in enabled if c in at), default=0)
        lines.append(
            {"line_id": line_id, "sku": sku, "quantity": quantity, "sellable": now_sellable, "most_at_one_source": best}
        )
        missing.append(_missing(group.kind, sku, quantity, now_sellable, best))
    since = min(p.since for p in group.parts)
    age = now - since
    return {
        "kind": group.kind,
        "order_id": order.number,
        "channel": order.channel,
        "bundle": order.line(group.parts[0].line_id).bundle if group.kind == "bundle_waiting" else None,
        "lines": lines,
        "units": sum(wanted.values()),
        "since": since.isoformat(),
        "since_dt": since,
        "age_days": round(age.total_seconds() / 86400, 2),
        "flagged": any(p.exception for p in group.parts),
        "missing": "; ".join(missing),
    }


def _available(row: tuple[int, int, int, bool]) -> int:
    on_hand, reserved, safety, unlimited = row
    return 10**9 if unlimited else max(0, on_hand - safety - reserved)


def _missing(kind: str, sku: str, quantity: int, now_sellable: int | None, best: int) -> str:
    have = "unlimited" if now_sellable is None else f"{now_sellable} sellable"
    if kind == "shipment_limit":
        return f"{sku}: {quantity} wanted, {have}, not within the allowed number of shipments"
    if kind == "bundle_waiting" and (now_sellable is None or now_sellable >= quantity):
        return f"{sku}: {quantity} wanted, {have}, at most {best} at one source"
    if kind == "waiting_complete" and (now_sellable is None or now_sellable >= quantity):
        return f"{sku}: {quantity} wanted, {have} (waits for the rest of the order)"
    return f"{sku}: {quantity} wanted, {have}"
