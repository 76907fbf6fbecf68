"""Line parts: some units of one line that share a status, a place and a request.

Every unit of every line is in exactly one part.  Parts split when only some
of their units move on, and merge again when they become alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from oms.domain.requests import ShipmentRequest
from oms.domain.statuses import FINAL_LINE_STATUSES, WAITING_REASONS, LineStatus, Reason

L = LineStatus


class LinePart:
    """Some units of one line that share a status, a place and a request."""

    def __init__(
        self,
        line_id: str,
        sku: str,
        quantity: int,
        since: datetime,
        status: LineStatus = L.NEW,
        reason: str | None = Reason.INITIALORDER,
    ) -> None:
        self.line_id = line_id
        self.sku = sku
        self.quantity = quantity
        self.status = status
        self.reason = reason
        self.source: str | None = None  # the source handling these units
        self.request: ShipmentRequest | None = None
        self.handover: ShipmentRequest | None = None  # ship to store: the pickup store's ISPU request
        self.via: ShipmentRequest | None = None  # ship to store: the STS request that brought these units
        self.reserved_at: str | None = None  # the source whose stock these units hold reserved
        self.since = since
        self.exception = False  # waited for stock longer than the channel allows (a backorder exception)
        self.shortfall = False  # holds a reservation the source's stock no longer covers (a stock shortfall)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_LINE_STATUSES

    @property
    def is_waiting(self) -> bool:
        """Soft allocated: in the sourcing queue, no stock held."""
        return self.status == L.RESOURCED or (self.status == L.NEW and self.reason in WAITING_REASONS)

    def _key(self) -> tuple:
        return (
            self.line_id,
            self.status,
            self.reason,
            self.source,
            id(self.request),
            id(self.handover),
            id(self.via),
            self.reserved_at,
            self.exception,
            self.shortfall,
        )

    def __repr__(self) -> str:
        return f"<LinePart {self.line_id} x{self.quantity} {self.status}/{self.reason} at {self.source}>"


@dataclass(frozen=True, slots=True)
class StockMove:
    """A change the order makes to one stock row; ``checked`` reservations must find the stock there."""

    source: str
    sku: str
    on_hand: int = 0
    reserved: int = 0
    checked: bool = False
    cause: str = ""


def consume(queue: list[LinePart], quantity: int) -> Iterator[tuple[LinePart, int]]:
    """(part, units) from the front of ``queue`` until ``quantity`` units are given.

    A part given whole leaves the queue; one given in part stays at the front
    with what is left once the caller has moved the units it took.
    """
    while quantity > 0 and queue:
        head = queue[0]
        q = min(head.quantity, quantity)
        if q == head.quantity:
            queue.pop(0)
        yield head, q
        quantity -= q
