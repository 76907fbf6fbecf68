"""Keeping stock-shortfall flags equal to what each stock row falls short by, at every commit that moved stock.

Called by the unit of work for the rows the transaction changed whose
reservations exceed their on-hand stock, before or after: any door that
changes stock (a stock message, a network load, a shipment, a cancellation)
goes through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from oms.adapters import tables as t
from oms.domain.shortfall import clear_shortfall, flag_shortfall
from oms.domain.statuses import FINAL_LINE_STATUSES

if TYPE_CHECKING:
    from oms.service.unit_of_work import UnitOfWork

Row = tuple[int, int, int, bool]  # on_hand, reserved, safety_stock, unlimited
p = t.line_parts.c
o = t.orders.c


def shortfall(row: Row) -> int:
    """Reserved units the row's on-hand stock does not cover (none where stock is unlimited)."""
    on_hand, reserved, _, unlimited = row
    return 0 if unlimited else max(0, reserved - on_hand)


def reconcile(uow: UnitOfWork, before: dict[tuple[str, str], Row], after: dict[tuple[str, str], Row]) -> list[str]:
    """Flag or clear units at every changed row short before or after; returns one note per row flagged."""
    notes = []
    for key in sorted(before):
        now = after.get(key)
        if now is None or (shortfall(before[key]) == 0 and shortfall(now) == 0):
            continue
        flagged = _reconcile_row(uow, *key, shortfall(now))
        if flagged:
            notes.append(
                f"{key[0]}: {key[1]} has {now[0]} on hand for {now[1]} reserved; "
                f"{flagged} reserved unit(s) flagged as stock shortfall exceptions"
            )
    return notes


def _reconcile_row(uow: UnitOfWork, source: str, sku: str, short: int) -> int:
    """Make the flagged units at (source, sku) equal ``short``; returns the units newly flagged."""
    stmt = (
        select(p.id, p.order_id, p.quantity, p.shortfall)
        .join(t.orders, o.id == p.order_id)
        .where(p.reserved_at == source, p.sku == sku, p.status.notin_([s.value for s in FINAL_LINE_STATUSES]))
        .order_by(o.placed_at.desc(), p.id.desc())  # newest allocations first
    )
    rows = list(uow.session.execute(stmt))
    flagged = sum(r.quantity for r in rows if r.shortfall)
    ctx = uow.context("stock")
    newly = 0
    if flagged < short:
        todo = short - flagged
        for r in rows:
            if todo <= 0:
                break
            if not r.shortfall:
                order = uow.orders.get(r.order_id, lock=True)
                done = flag_shortfall(order, _part(order, r.id), todo, ctx)
                todo -= done
                newly += done
    elif flagged > short:
        todo = flagged - short
        for r in reversed(rows):  # oldest first
            if todo <= 0:
                break
            if r.shortfall:
                order = uow.orders.get(r.order_id, lock=True)
                todo -= clear_shortfall(order, _part(order, r.id), todo, ctx)
    return newly


def _part(order: Any, part_id: int) -> Any:
    return next(part for part in order.parts if part.id == part_id)
