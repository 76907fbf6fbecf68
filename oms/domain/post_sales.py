"""What a channel decides about post-sales, and the events post-sales steps record.

Defaults follow MOM: returns approved and refunds released at once, stock left
alone on receipt (it comes back through stock messages), service lines kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Protocol

from oms.domain.events import Event

RETURN_REASONS = ("DAMAGED", "WRONG_ITEM", "NOT_AS_DESCRIBED", "CHANGED_MIND", "OTHER")
APPEASEMENT_REASONS = ("LATE_DELIVERY", "DAMAGED", "GOODWILL", "PRICE_MATCH", "OTHER")
RESHIPMENT_REASONS = ("LOST", "DAMAGED_IN_TRANSIT", "WRONG_ITEM", "OTHER")
# immediate: the exchange order is sourced at once; after_return: it waits ON HOLD until the units come back good
EXCHANGE_MODES = ("immediate", "after_return")


@dataclass(frozen=True, slots=True)
class PostSalesSettings:
    auto_approve_returns: bool = True
    auto_release_refunds: bool = True
    restock_returns: bool = False  # good units back on hand at the return-to source on receipt
    refund_service_lines: bool = False  # refund service lines when a return completes the order
    refund_damaged: bool = True  # False: damaged units are not refunded; an all-damaged return is rejected
    return_virtual: bool = False  # virtual lines returnable
    return_reasons: tuple[str, ...] = RETURN_REASONS
    appeasement_reasons: tuple[str, ...] = APPEASEMENT_REASONS
    reshipment_reasons: tuple[str, ...] = RESHIPMENT_REASONS
    max_price_increase_pct: int = 10  # of the price paid, for store price adjustments
    max_price_decrease_pct: int = 50
    exchange_mode: str = "immediate"

    @classmethod
    def from_json(cls, doc: dict[str, Any] | None) -> PostSalesSettings:
        known = {f.name for f in fields(cls)}
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in (doc or {}).items() if k in known}
        return cls(**values)

    def as_json(self) -> dict[str, Any]:
        return {f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v for f in fields(self)}


class Subject(Protocol):
    def event_payload(self) -> dict[str, Any]: ...


@dataclass(slots=True)
class PostSalesEvent(Event):
    """``return.authorized``, ``refund.released``…: the payload is read when written (ids exist by then)."""

    topic: str
    order_number: str
    at: datetime
    subject: Subject = field(repr=False)

    @property
    def key(self) -> str:
        return self.order_number

    def payload(self) -> dict[str, Any]:
        return self.subject.event_payload()
