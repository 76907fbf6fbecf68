"""Stock shortfalls: a source reports less stock than the OMS holds reserved there.

A stock report is a fact about the shelf, so it is accepted; but the
reservations it no longer covers cannot all be picked.  Those units are
flagged as exceptions (``line.stock_shortfall``) so that someone acts: the
source declines them and they are sourced elsewhere, or the stock is
corrected.  The newest allocations are flagged first, since the older
ones were promised first.  When the stock covers them again, the flags are
lifted, oldest first (``line.stock_shortfall_cleared``).  At every commit, the
units flagged at a row are exactly the units its stock falls short by.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from oms.domain.events import Context, Event
from oms.domain.order import Order
from oms.domain.parts import LinePart


@dataclass(slots=True)
class StockShortfall(Event):
    """Units of a line whose reservation the source's stock no longer covers (or, cleared, covers again)."""

    order: Order
    part: LinePart
    quantity: int
    at: datetime
    cleared: bool = False

    @property
    def topic(self) -> str:  # type: ignore[override]
        return "line.stock_shortfall_cleared" if self.cleared else "line.stock_shortfall"

    @property
    def key(self) -> str:
        return self.order.number

    def payload(self) -> dict[str, Any]:
        part = self.part
        return {
            "order_id": self.order.number,
            "channel": self.order.channel,
            "line_id": part.line_id,
            "sku": part.sku,
            "source": part.reserved_at,
            "quantity": self.quantity,
            "request_id": part.request.id if part.request is not None else None,
            "status": part.status.value,
        }


def flag_shortfall(order: Order, part: LinePart, quantity: int, ctx: Context) -> int:
    """Flag up to ``quantity`` of ``part``'s units as a stock shortfall; returns how many were flagged."""
    if part.shortfall or part.reserved_at is None or quantity <= 0:
        return 0
    flagged = order.set_apart(part, quantity)
    flagged.shortfall = True
    order.events.append(StockShortfall(order, flagged, flagged.quantity, ctx.now))
    return flagged.quantity


def clear_shortfall(order: Order, part: LinePart, quantity: int, ctx: Context) -> int:
    """Lift the flag from up to ``quantity`` of ``part``'s units; returns how many were cleared."""
    if not part.shortfall or quantity <= 0:
        return 0
    cleared = order.set_apart(part, quantity)
    cleared.shortfall = False
    order.events.append(StockShortfall(order, cleared, cleared.quantity, ctx.now, cleared=True))
    return cleared.quantity
