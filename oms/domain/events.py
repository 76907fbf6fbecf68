"""Domain events: what happened, in the past tense.

Aggregates append them as they change; the unit of work writes them to the
outbox table in the same transaction as the change, and every status change
also to the status history.  Events may refer to rows that get their ids when
flushed, so payloads are computed only when written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oms.domain.order import Order
    from oms.domain.requests import Package, ShipmentRequest


@dataclass(frozen=True, slots=True)
class Context:
    """Who does a command, and when: recorded with every change it makes."""

    actor: str
    now: datetime


class Event:
    """Base of domain events; subclasses are dataclasses with ``topic`` and ``at``."""

    def payload(self) -> dict[str, Any]:
        raise NotImplementedError

    @property
    def key(self) -> str:
        return ""


@dataclass(slots=True)
class StatusChange(Event):
    """One recorded transition: it goes to the history and to the outbox."""

    order: Order
    entity: str  # order | line | request
    entity_id: str
    from_status: str | None
    from_reason: str | None
    to_status: str
    to_reason: str | None
    actor: str
    at: datetime
    quantity: int = 0
    note: str | None = None
    request: ShipmentRequest | None = None

    @property
    def topic(self) -> str:  # type: ignore[override]
        return f"{self.entity}.status_changed"

    @property
    def key(self) -> str:
        return self.order.number

    @property
    def resolved_entity_id(self) -> str:
        return str(self.request.id) if self.request is not None else self.entity_id

    def payload(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "order_id": self.order.number,
            "channel": self.order.channel,
            self.entity if self.entity != "request" else "request_id": self.resolved_entity_id,
            "from": self.from_status,
            "from_reason": self.from_reason,
            "to": self.to_status,
            "reason": self.to_reason,
            "actor": self.actor,
        }
        if self.entity == "line":
            doc["quantity"] = self.quantity
        if self.note:
            doc["note"] = self.note
        return doc


@dataclass(slots=True)
class OrderCreated(Event):
    order: Order
    at: datetime
    topic: str = "order.created"

    @property
    def key(self) -> str:
        return self.order.number

    def payload(self) -> dict[str, Any]:
        o = self.order
        return {
            "order_id": o.number,
            "channel": o.channel,
            "type": o.type,
            "delivery": o.delivery_method,
            "lines": [{"line_id": ln.line_id, "sku": ln.sku, "quantity": ln.quantity} for ln in o.lines],
        }


@dataclass(slots=True)
class RequestCreated(Event):
    order: Order
    request: ShipmentRequest
    at: datetime
    topic: str = "shipment_request.created"

    @property
    def key(self) -> str:
        return self.order.number

    def payload(self) -> dict[str, Any]:
        r = self.request
        return {
            "order_id": self.order.number,
            "request_id": r.id,
            "source": r.source,
            "method": r.method,
            "destination": r.destination,
            "lines": [{"line_id": p.line_id, "sku": p.sku, "quantity": p.quantity} for p in self.order.parts_of(r)],
        }


@dataclass(slots=True)
class ShipmentShipped(Event):
    """One package left a source (a request ships in one or more)."""

    order: Order
    request: ShipmentRequest
    package: Package
    at: datetime
    topic: str = "shipment.shipped"

    @property
    def key(self) -> str:
        return self.order.number

    def payload(self) -> dict[str, Any]:
        r, p = self.request, self.package
        return {
            "order_id": self.order.number,
            "request_id": r.id,
            "package_id": p.id,
            "source": r.source,
            "method": r.method,
            "carrier": p.carrier,
            "tracking": p.tracking,
            "lines": [dict(item) for item in p.lines],
            "request_status": r.status,
        }


@dataclass(slots=True)
class BackorderException(Event):
    order: Order
    line_id: str
    quantity: int
    since: datetime
    at: datetime
    topic: str = "line.backorder_exception"

    @property
    def key(self) -> str:
        return self.order.number

    def payload(self) -> dict[str, Any]:
        return {
            "order_id": self.order.number,
            "line_id": self.line_id,
            "quantity": self.quantity,
            "since": self.since.isoformat(),
        }


@dataclass(slots=True)
class StockEvent(Event):
    """stock.updated (a sellable figure changed) or stock.low (it fell under the channel's threshold)."""

    topic: str
    sku: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.sku

    def payload(self) -> dict[str, Any]:
        return {"sku": self.sku, **self.data}
