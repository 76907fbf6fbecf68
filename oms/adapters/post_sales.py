"""Returns and refunds in and out of the database (mapped like the order aggregate, kept apart from it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, registry, relationship

from oms.adapters import tables as t
from oms.domain.price_adjustments import PriceAdjustment
from oms.domain.refunds import Refund, RefundLine
from oms.domain.returns import Return, ReturnLine
from oms.errors import FieldError, InvalidInput, NotFound
from oms.limits import MAX_ROW_ID


def map_post_sales(mapper_registry: registry) -> None:
    mapper_registry.map_imperatively(ReturnLine, t.return_lines)
    mapper_registry.map_imperatively(RefundLine, t.refund_lines)
    mapper_registry.map_imperatively(
        Return,
        t.returns,
        properties={
            "lines": relationship(
                ReturnLine, order_by=t.return_lines.c.id, cascade="all, delete-orphan", lazy="selectin"
            )
        },
    )
    mapper_registry.map_imperatively(
        Refund,
        t.refunds,
        properties={
            "lines": relationship(
                RefundLine, order_by=t.refund_lines.c.id, cascade="all, delete-orphan", lazy="selectin"
            )
        },
    )
    mapper_registry.map_imperatively(PriceAdjustment, t.price_adjustments)
    for cls in (Return, Refund, PriceAdjustment):
        event.listen(cls, "load", _no_events)


def _no_events(obj: Any, _context: object) -> None:
    obj.events = []


class PostSalesRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.seen: list[Return | Refund | PriceAdjustment] = []

    def add(self, obj: Return | Refund | PriceAdjustment) -> None:
        self.session.add(obj)
        self.seen.append(obj)

    def returns_of(self, order_id: int) -> list[Return]:
        found = list(
            self.session.scalars(select(Return).where(t.returns.c.order_id == order_id).order_by(t.returns.c.id))
        )
        self.seen.extend(found)
        return found

    def refunds_of(self, order_id: int) -> list[Refund]:
        stmt = select(Refund).where(t.refunds.c.order_id == order_id).order_by(t.refunds.c.id)
        found = list(self.session.scalars(stmt))
        self.seen.extend(found)
        return found

    def adjustments_of(self, order_id: int) -> list[PriceAdjustment]:
        stmt = select(PriceAdjustment).where(t.price_adjustments.c.order_id == order_id)
        found = list(self.session.scalars(stmt.order_by(t.price_adjustments.c.id)))
        self.seen.extend(found)
        return found

    def order_of(self, table: Any, row_id: int, what: str) -> int:
        """The internal order id of return or refund ``row_id``."""
        if not 1 <= row_id <= MAX_ROW_ID:
            raise InvalidInput([FieldError("id", f"must be an integer between 1 and {MAX_ROW_ID:,}")])
        order_id = self.session.scalar(select(table.c.order_id).where(table.c.id == row_id))
        if order_id is None:
            raise NotFound(f"no {what} {row_id}")
        return int(order_id)

    def take_events(self) -> list[Any]:
        # A record read twice in one transaction is one object seen twice: its events are written once.
        records = list({id(obj): obj for obj in self.seen}.values())
        events = [e for obj in records for e in obj.events]
        for obj in records:
            obj.events = []
        return events
