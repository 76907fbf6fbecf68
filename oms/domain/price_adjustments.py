"""Price adjustments (MOM section 8): a store changes a line's unit price while picking it.

Allowed while the line's units are being picked at a store (ship-from-store or
in-store pickup: the request acknowledged, picking, packed or ready, before
shipment or collection), for products that are ``price_adjustable``, within
the channel's percentages of the price the customer paid.  A decrease refunds
``(old - new) * units`` at once; an increase is recorded for the payment
integration (it is not money the OMS has received).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from oms.domain.events import Context
from oms.domain.money import text
from oms.domain.post_sales import PostSalesEvent, PostSalesSettings
from oms.domain.statuses import LineStatus, Method, RequestStatus
from oms.errors import Refused

if TYPE_CHECKING:
    from oms.domain.order import Order

PICKING = (RequestStatus.ACKNOWLEDGED, RequestStatus.PICKING, RequestStatus.PACKED, RequestStatus.READY)


class PriceAdjustment:
    def __init__(
        self, order: Order, line_id: str, old: Decimal, new: Decimal, units: int, source: str, ctx: Context
    ) -> None:
        self.id: int | None = None
        self.order_id = order.id
        self.order_number = order.number
        self.channel = order.channel
        self.currency = order.currency
        self.line_id = line_id
        self.old_price = old
        self.new_price = new
        self.quantity = units
        self.source = source
        self.refund_id: int | None = None
        self.created_at, self.created_by = ctx.now, ctx.actor
        topic = "price.decreased" if new < old else "price.increased"
        self.events = [PostSalesEvent(topic, order.number, ctx.now, self)]

    @property
    def difference(self) -> Decimal:
        """What the customer gets back (positive) or owes (negative) for the line."""
        return (self.old_price - self.new_price) * self.quantity

    def as_json(self) -> dict[str, Any]:
        cur = self.currency
        return {
            "id": self.id,
            "order_id": self.order_number,
            "channel": self.channel,
            "line_id": self.line_id,
            "currency": cur,
            "old_price": text(self.old_price, cur),
            "new_price": text(self.new_price, cur),
            "quantity": self.quantity,
            "difference": text(self.difference, cur),
            "source": self.source,
            "refund_id": self.refund_id,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
        }

    def event_payload(self) -> dict[str, Any]:
        return self.as_json()


def picking_store(order: Order, line_id: str, store_sources: set[str]) -> tuple[str, int]:
    """The store picking the line and the units it picks, or ``Refused`` with why the price is fixed."""
    for req in order.requests:
        if req.method not in (Method.HOME, Method.ISPU) or req.source not in store_sources or req.status not in PICKING:
            continue
        units = sum(
            p.quantity
            for p in order.parts
            if p.request is req and p.line_id == line_id and p.status not in (LineStatus.SHIPPED, LineStatus.CANCELLED)
        )
        if units:
            return req.source, units
    raise Refused(
        f"line {line_id} of order {order.number} is not being picked at a store "
        "(ship-from-store or pickup, before shipment or collection): its price cannot change"
    )


def check_limits(paid_price: Decimal, new: Decimal, settings: PostSalesSettings, currency: str) -> None:
    """Refuse a new price beyond the channel's percentages of the price the customer paid."""
    if paid_price == 0:
        raise Refused("a line with a price of zero cannot be adjusted")
    change = (new - paid_price) / paid_price * 100
    if change > settings.max_price_increase_pct:
        limit = paid_price * (100 + settings.max_price_increase_pct) / 100
        raise Refused(
            f"a price increase is limited to {settings.max_price_increase_pct}% "
            f"(at most {text(limit, currency)} {currency})"
        )
    if -change > settings.max_price_decrease_pct:
        limit = paid_price * (100 - settings.max_price_decrease_pct) / 100
        raise Refused(
            f"a price decrease is limited to {settings.max_price_decrease_pct}% "
            f"(at least {text(limit, currency)} {currency})"
        )
