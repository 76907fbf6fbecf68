"""The order aggregate: lines, the parts their units are in, shipment requests, status.

A line's units may be in different states at once (two shipped, one
backordered), so every line's units are kept in *parts*: a quantity in one
status, at one place.  Every unit of every line is in exactly one part.  A
part changes status only through ``move``, which checks the line state machine
and records the transition; the order's status is derived from its parts by
``refresh_status``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from oms.domain.events import Context, Event, OrderCreated, StatusChange
from oms.domain.money import DEFAULT_CURRENCY, ZERO
from oms.domain.parts import LinePart, StockMove
from oms.domain.requests import ShipmentRequest
from oms.domain.statuses import (
    HANDED_OVER,
    LineStatus,
    Method,
    OrderStatus,
    Reason,
    check_line_transition,
    check_order_transition,
)
from oms.errors import NotFound

ORDER_TYPES = ("normal", "exchange", "reshipment")
L = LineStatus
S = OrderStatus


class OrderLine:
    def __init__(
        self,
        line_id: str,
        sku: str,
        quantity: int,
        unit_price: Decimal = ZERO,
        bundle: str | None = None,
        product_type: str = "physical",
        preshipped_source: str | None = None,
        allow_backorder: bool | None = None,
        attributes: dict[str, Any] | None = None,
        position: int = 0,
        discount: Decimal = ZERO,
        tax: Decimal = ZERO,
    ) -> None:
        self.line_id = line_id
        self.sku = sku
        self.quantity = quantity
        self.unit_price = unit_price
        self.bundle = bundle
        self.product_type = product_type
        self.preshipped_source = preshipped_source
        self.allow_backorder = allow_backorder
        self.attributes = attributes or {}
        self.position = position
        self.discount = discount  # for the whole line
        self.tax = tax  # for the whole line
        self.declined_sources: list[str] = []

    @property
    def paid(self) -> Decimal:
        """What the customer paid for the line: its gross amount."""
        return Decimal(self.unit_price) * self.quantity - self.discount + self.tax


class ServiceLine:
    """An order-level charge such as a delivery fee (MOM's SERVICE product type): refundable, never sourced."""

    def __init__(self, line_id: str, kind: str, amount: Decimal, tax: Decimal = ZERO, position: int = 0) -> None:
        self.line_id = line_id
        self.type = kind  # shipping | service
        self.amount = amount
        self.tax = tax
        self.position = position

    @property
    def paid(self) -> Decimal:
        return self.amount + self.tax


class Order:
    events: list[Event]
    moves: list[StockMove]

    def __init__(
        self,
        channel: str,
        number: str,
        lines: list[OrderLine],
        delivery_method: str,
        ctx: Context,
        *,
        order_type: str = "normal",
        original_number: str | None = None,
        address: dict[str, Any] | None = None,
        pickup_source: str | None = None,
        created_at: datetime | None = None,
        attributes: dict[str, Any] | None = None,
        payload_hash: str = "",
        currency: str = DEFAULT_CURRENCY,
        service_lines: list[ServiceLine] | None = None,
        customer: dict[str, Any] | None = None,
        billing_address: dict[str, Any] | None = None,
    ) -> None:
        self.id: int | None = None
        self.currency = currency
        self.service_lines = service_lines or []
        self.channel = channel
        self.number = number
        self.type = order_type
        self.original_number = original_number
        self.delivery_method = delivery_method
        self.address = address
        self.pickup_source = pickup_source
        self.created_at = created_at or ctx.now
        self.placed_at = ctx.now
        self.attributes = attributes or {}
        self.payload_hash = payload_hash
        self.customer = customer  # id, first_name, last_name, email, phone: who support staff talk to
        self.billing_address = billing_address
        self.status = S.NEW
        self.reason: str | None = Reason.NEWFRONTEND
        self.hold: str | None = None
        self.hold_reason: str | None = None  # a manual or remorse hold's code (oms.domain.holds)
        self.hold_until: datetime | None = None
        self.hold_released = False
        self.sourcing_attempts = 0
        self.bundle_attempts: dict[str, int] = {}  # bundle -> sourcing attempts that could not ship it whole
        self.lines = lines
        self.parts = [LinePart(ln.line_id, ln.sku, ln.quantity, ctx.now) for ln in lines]
        self.requests: list[ShipmentRequest] = []
        self.events = [OrderCreated(self, ctx.now)]
        self.moves = []
        self.events.append(
            StatusChange(self, "order", number, None, None, S.NEW, Reason.NEWFRONTEND, ctx.actor, ctx.now)
        )

    # -- lookups --------------------------------------------------------------------------------------

    def line(self, line_id: str) -> OrderLine:
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise NotFound(f"order {self.number} has no line {line_id!r}")

    def charge(self, line_id: str) -> OrderLine | ServiceLine:
        """The order line or service line with this id (they share one namespace per order)."""
        for line in [*self.lines, *self.service_lines]:
            if line.line_id == line_id:
                return line
        raise NotFound(f"order {self.number} has no line or service line {line_id!r}")

    def request(self, request_id: int) -> ShipmentRequest:
        for req in self.requests:
            if req.id == request_id:
                return req
        raise NotFound(f"order {self.number} has no shipment request {request_id}")

    def parts_of(self, request: ShipmentRequest) -> list[LinePart]:
        return [p for p in self.parts if p.request is request]

    def open_pickup_request(self) -> ShipmentRequest | None:
        """The order's open ISPU request at its pickup store, if it has one (it never has two)."""
        for req in self.requests:
            if req.method == Method.ISPU and req.is_open and req.source == self.pickup_source:
                return req
        return None

    def incoming(self, request: ShipmentRequest) -> list[LinePart]:
        """Ship-to-store units still on their way to ``request``'s store (not yet shipped by their source)."""
        return [p for p in self.parts if p.handover is request and p.request is not request and not p.is_final]

    def waiting_parts(self, *, include_hold: bool = False) -> list[LinePart]:
        return [
            p for p in self.parts if p.is_waiting or (include_hold and p.status == L.NEW and p.reason == Reason.ONHOLD)
        ]

    def units(self, line_id: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for p in self.parts:
            if p.line_id == line_id:
                out[p.status] = out.get(p.status, 0) + p.quantity
        return out

    # -- changing units -------------------------------------------------------------------------------

    def move(
        self,
        part: LinePart,
        quantity: int,
        status: LineStatus,
        reason: str | None,
        ctx: Context,
        note: str | None = None,
        **changes: Any,
    ) -> LinePart:
        """Move ``quantity`` units of ``part`` to ``status``; returns the part that holds them now.

        ``note`` (why, in the actor's words) goes to the history with the transition.
        """
        check_line_transition(part.line_id, part.status, status)
        moving = part if quantity >= part.quantity else self._split(part, quantity)
        if (moving.status, moving.reason) != (status, reason):
            self.events.append(
                StatusChange(
                    self,
                    "line",
                    part.line_id,
                    moving.status,
                    moving.reason,
                    status,
                    reason,
                    ctx.actor,
                    ctx.now,
                    quantity=moving.quantity,
                    note=note,
                )
            )
            moving.since = ctx.now
        moving.status = status
        moving.reason = reason
        for name, value in changes.items():
            setattr(moving, name, value)
        if moving.reserved_at is None:
            moving.shortfall = False  # no reservation left for the stock to fall short of
        return moving

    def set_apart(self, part: LinePart, quantity: int) -> LinePart:
        """``quantity`` units of ``part`` in a part of their own (same status), to flag them apart from the rest."""
        return part if quantity >= part.quantity else self._split(part, quantity)

    def _split(self, part: LinePart, quantity: int) -> LinePart:
        twin = LinePart(part.line_id, part.sku, quantity, part.since, part.status, part.reason)
        twin.source, twin.request, twin.handover, twin.via = part.source, part.request, part.handover, part.via
        twin.reserved_at, twin.exception, twin.shortfall = part.reserved_at, part.exception, part.shortfall
        part.quantity -= quantity
        self.parts.append(twin)
        return twin

    def compact(self) -> None:
        """Merge parts that became alike, so a line keeps few parts."""
        kept: dict[tuple, LinePart] = {}
        for part in list(self.parts):
            twin = kept.get(part._key())
            if twin is None:
                kept[part._key()] = part
                continue
            twin.quantity += part.quantity
            twin.since = min(twin.since, part.since)
            self.parts.remove(part)

    def add_request(self, request: ShipmentRequest) -> ShipmentRequest:
        self.requests.append(request)
        return request

    def record_request(
        self, request: ShipmentRequest, previous: str | None, reason: str | None, ctx: Context, note: str | None = None
    ) -> None:
        self.events.append(
            StatusChange(
                self,
                "request",
                "",
                previous,
                None,
                request.status,
                reason,
                ctx.actor,
                ctx.now,
                note=note,
                request=request,
            )
        )
        request.reason = reason

    # -- status -----------------------------------------------------------------------------------------

    def refresh_status(self, ctx: Context) -> None:
        """Derive the order's status from its parts and record every step to it."""
        for status, reason in self._path_to(*self._derived()):
            check_order_transition(self.number, self.status, status)
            note = self.hold if status == S.ONHOLD else None
            self.events.append(
                StatusChange(
                    self, "order", self.number, self.status, self.reason, status, reason, ctx.actor, ctx.now, note=note
                )
            )
            self.status, self.reason = status, reason

    def _derived(self) -> tuple[OrderStatus, str | None]:
        parts = self.parts
        if self.is_final:
            return self.status, self.reason
        if all(p.is_final for p in parts):
            handed = [p for p in parts if p.status in HANDED_OVER]
            if not handed and self.status != S.LOGISTICS:
                reasons = {p.reason for p in parts}
                return S.CANCELLED, reasons.pop() if len(reasons) == 1 else Reason.FULLYCANCELLED
            if not handed:
                return S.COMPLETE, Reason.FULLYCANCELLED
            return S.COMPLETE, Reason.FULLYSHIPPED if len(handed) == len(parts) else Reason.PARTIALLYSHIPPED
        if self.status == S.ERROR:
            return S.ERROR, self.reason
        open_parts = [p for p in parts if not p.is_final]
        if any(p.reason == Reason.ONHOLD and p.status == L.NEW for p in open_parts):
            return S.ONHOLD, self.hold_reason or Reason.RULEHOLD
        in_logistics = any(not p.is_waiting for p in open_parts) or any(p.status in HANDED_OVER for p in parts)
        if in_logistics or self.status == S.LOGISTICS:
            if any(p.status in HANDED_OVER for p in parts):
                return S.LOGISTICS, Reason.PARTIALLYSHIPPED
            if any(p.is_waiting for p in open_parts):
                return S.LOGISTICS, Reason.PENDING_FIRST_SHIPMENT
            return S.LOGISTICS, Reason.READYTOSHIP
        if any(p.reason == Reason.INITIALORDER for p in open_parts) and self.sourcing_attempts == 0:
            return S.NEW, Reason.NEWFRONTEND
        return S.APPROVED, Reason.SYSAPPROVED

    def _path_to(self, status: OrderStatus, reason: str | None) -> list[tuple[OrderStatus, str | None]]:
        if (status, reason) == (self.status, self.reason):
            return []
        if status != S.COMPLETE:
            return [(status, reason)]
        path: list[tuple[OrderStatus, str | None]] = []
        if self.status != S.LOGISTICS:
            path.append((S.LOGISTICS, Reason.READYTOSHIP))
        return [*path, (S.LOGISTICSCOMPLETE, reason), (S.COMPLETE, reason)]

    def fail(self, reason: str, note: str, ctx: Context) -> None:
        check_order_transition(self.number, self.status, S.ERROR)
        self.events.append(
            StatusChange(
                self, "order", self.number, self.status, self.reason, S.ERROR, reason, ctx.actor, ctx.now, note=note
            )
        )
        self.status, self.reason = S.ERROR, reason

    @property
    def is_final(self) -> bool:
        return self.status in (S.COMPLETE, S.CANCELLED)

    def __repr__(self) -> str:
        return f"<Order {self.channel}/{self.number} {self.status}/{self.reason}>"
