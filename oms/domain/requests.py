"""Shipment requests: what one source is asked to do for one order.

Methods follow MOM: HOME (ship to the customer), ISPU (the pickup store hands
the goods over), STS (a source ships to the pickup store), PRESHIPPED (handed
over before the order reached us) and VIRTUAL (delivered without a parcel).
The request's items are the line parts that point to it.  A source ships
in packages: each has its own carrier and tracking number and some of the
request's units; the request is SHIPPED when nothing is left to ship.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from oms.domain.statuses import OPEN_REQUEST_STATUSES, Method, RequestStatus, check_request_transition


class Package:
    """Units that left a source together, under one tracking number."""

    id: int | None

    def __init__(self, carrier: str, tracking: str, lines: list[dict[str, Any]], shipped_at: datetime) -> None:
        self.id = None
        self.carrier = carrier
        self.tracking = tracking
        self.lines = lines  # [{"line_id", "sku", "quantity"}]
        self.shipped_at = shipped_at

    @property
    def units(self) -> int:
        return sum(int(item["quantity"]) for item in self.lines)

    def __repr__(self) -> str:
        return f"<Package {self.id} {self.carrier} {self.tracking} x{self.units}>"


class ShipmentRequest:
    id: int | None
    packages: list[Package]

    def __init__(
        self,
        source: str,
        method: Method,
        destination: str,
        created_at: datetime,
        status: RequestStatus = RequestStatus.NEW,
    ) -> None:
        self.id = None
        self.source = source
        self.method = method
        self.destination = destination
        self.status = status
        self.reason: str | None = None
        self.carrier: str | None = None
        self.tracking: str | None = None  # the latest package's
        self.packages = []
        self.created_at = created_at
        self.updated_at = created_at

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    def move(self, target: RequestStatus, now: datetime) -> RequestStatus:
        """Change status (the order records the transition); returns the status it left."""
        check_request_transition(self.id or 0, self.status, target)
        previous = self.status
        self.status = target
        self.updated_at = now
        return previous

    def __repr__(self) -> str:
        return f"<ShipmentRequest {self.id} {self.method} {self.source} {self.status}>"
