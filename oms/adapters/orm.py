"""Imperative mapping: the domain classes stay plain; SQLAlchemy learns here where they live.

Only the order aggregate (order, lines, parts, shipment requests and their
packages) is mapped; catalog, stock, history and outbox are read and written
with Core by the repositories.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import event
from sqlalchemy.orm import registry, relationship

from oms.adapters import tables as t
from oms.adapters.post_sales import map_post_sales
from oms.contacts import search_keys
from oms.domain.order import Order, OrderLine, ServiceLine
from oms.domain.parts import LinePart
from oms.domain.requests import Package, ShipmentRequest
from oms.domain.statuses import LineStatus, Method, OrderStatus, RequestStatus

mapper_registry = registry()
_mapped = False


def start_mappers() -> None:
    global _mapped
    if _mapped:
        return
    _mapped = True
    mapper_registry.map_imperatively(Package, t.packages)
    mapper_registry.map_imperatively(
        ShipmentRequest,
        t.shipment_requests,
        properties={
            "packages": relationship(Package, order_by=t.packages.c.id, cascade="all, delete-orphan", lazy="selectin")
        },
    )
    mapper_registry.map_imperatively(OrderLine, t.order_lines)
    mapper_registry.map_imperatively(ServiceLine, t.service_lines)
    map_post_sales(mapper_registry)
    mapper_registry.map_imperatively(
        LinePart,
        t.line_parts,
        properties={
            "request": relationship(ShipmentRequest, foreign_keys=[t.line_parts.c.request_id]),
            "handover": relationship(ShipmentRequest, foreign_keys=[t.line_parts.c.handover_id]),
            "via": relationship(ShipmentRequest, foreign_keys=[t.line_parts.c.via_id]),
        },
    )
    mapper_registry.map_imperatively(
        Order,
        t.orders,
        properties={
            "lines": relationship(
                OrderLine, order_by=t.order_lines.c.position, cascade="all, delete-orphan", lazy="selectin"
            ),
            "requests": relationship(
                ShipmentRequest, order_by=t.shipment_requests.c.id, cascade="all, delete-orphan", lazy="selectin"
            ),
            "service_lines": relationship(
                ServiceLine, order_by=t.service_lines.c.position, cascade="all, delete-orphan", lazy="selectin"
            ),
            "parts": relationship(LinePart, order_by=t.line_parts.c.id, cascade="all, delete-orphan", lazy="selectin"),
        },
    )
    _enums(Order, "status", OrderStatus)
    _enums(LinePart, "status", LineStatus)
    _enums(ShipmentRequest, "status", RequestStatus)
    _enums(ShipmentRequest, "method", Method)

    @event.listens_for(Order, "before_insert")
    @event.listens_for(Order, "before_update")
    def _search_keys(_mapper: object, _connection: object, order: Order) -> None:
        for column, value in search_keys(order.customer, order.address).items():
            setattr(order, column, value)

    @event.listens_for(Order, "load")
    def _transient_state(order: Order, _context: object) -> None:
        order.events = []
        order.moves = []


def _enums(cls: type, attr: str, enum: type[StrEnum]) -> None:
    """Loaded status columns become the domain's enums again."""

    @event.listens_for(cls, "load")
    def _to_enum(obj: object, _context: object) -> None:
        value = obj.__dict__.get(attr)
        if value is not None:
            obj.__dict__[attr] = enum(value)
