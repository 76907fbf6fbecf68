"""Shipment requests: what one source is asked to do for one order.

Methods follow MOM: HOME (ship to the customer), ISPU (the pickup store hands
the goods over), STS (a source ships to the pickup store), PRESHIPPED (handed
over before the order reached us) and VIRTUAL (delivered without a parcel).
The request's items are the line parts that point to it.
"""

from __future__ import annotations

from datetime import datetime

from oms.domain.statuses import OPEN_REQUEST_STATUSES, Method, RequestStatus, check_request_transition


class ShipmentRequest:
    id: int | None

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
        self.tracking: str | None = None
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
