"""The order repository: orders in and out of the database, with the rows they change locked."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from oms.adapters import tables as t
from oms.domain.order import Order
from oms.domain.statuses import WAITING_REASONS, LineStatus
from oms.errors import FieldError, InvalidInput, NotFound
from oms.limits import MAX_CODE, MAX_ROW_ID, check_text


class OrderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.seen: list[Order] = []

    def add(self, order: Order) -> None:
        self.session.add(order)
        self.seen.append(order)

    def get(self, order_id: int, lock: bool = False) -> Order:
        order = self.session.get(Order, order_id, with_for_update=lock or None)
        if order is None:
            raise NotFound(f"no order with internal id {order_id}")
        self._seen(order)
        return order

    def get_many(self, order_ids: list[int], lock: bool = False) -> list[Order]:
        """Several orders in one query (their lines and parts in one more each), in id order."""
        stmt = select(Order).where(t.orders.c.id.in_(sorted(set(order_ids)))).order_by(t.orders.c.id)
        if lock:
            stmt = stmt.with_for_update()
        found = list(self.session.scalars(stmt))
        if len(found) != len(set(order_ids)):
            missing = sorted(set(order_ids) - {o.id for o in found})  # type: ignore[misc]
            raise NotFound(f"no order with internal id {missing[0]}")
        for order in found:
            self._seen(order)
        return found

    def find(self, number: str, channel: str | None = None, lock: bool = False) -> Order | None:
        """The order with this id (in ``channel`` when given; the id must then be unique across channels)."""
        errors: list[FieldError] = []
        check_text(errors, "order_id", number, MAX_CODE)
        check_text(errors, "channel", channel, MAX_CODE)
        if errors:  # no such order can exist, and PostgreSQL would refuse to even compare a NUL
            raise InvalidInput(errors)
        stmt = select(Order).where(t.orders.c.number == number)
        if channel is not None:
            stmt = stmt.where(t.orders.c.channel == channel)
        if lock:
            stmt = stmt.with_for_update()
        found = list(self.session.scalars(stmt))
        if len(found) > 1:
            channels = ", ".join(sorted(o.channel for o in found))
            raise NotFound(f"order id {number!r} exists in several channels ({channels}); name the channel")
        if found:
            self._seen(found[0])
        return found[0] if found else None

    def by_number(self, number: str, channel: str | None = None, lock: bool = False) -> Order:
        order = self.find(number, channel, lock)
        if order is None:
            where = f" in channel {channel!r}" if channel else ""
            raise NotFound(f"no order {number!r}{where}")
        return order

    def payload_hashes(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """The payload hash of every order already placed among (channel, id) ``keys``."""
        o = t.orders.c
        found: dict[tuple[str, str], str] = {}
        numbers = sorted({number for _, number in keys})
        for start in range(0, len(numbers), 500):
            chunk = numbers[start : start + 500]
            for row in self.session.execute(select(o.channel, o.number, o.payload_hash).where(o.number.in_(chunk))):
                found[(row.channel, row.number)] = row.payload_hash
        return found

    def by_request(self, request_id: int, lock: bool = False) -> Order:
        if not 1 <= request_id <= MAX_ROW_ID:
            raise InvalidInput([FieldError("request_id", f"must be an integer between 1 and {MAX_ROW_ID:,}")])
        order_id = self.session.scalar(
            select(t.shipment_requests.c.order_id).where(t.shipment_requests.c.id == request_id)
        )
        if order_id is None:
            raise NotFound(f"no shipment request {request_id}")
        return self.get(order_id, lock)

    def waiting(self, skus: Iterable[str] | None = None, *, include_new: bool = False) -> list[int]:
        """Ids of orders with units waiting for stock, oldest first."""
        p = t.line_parts.c
        reasons = set(WAITING_REASONS) if include_new else set(WAITING_REASONS) - {"INITIALORDER"}
        waiting = or_(p.status == LineStatus.RESOURCED, and_(p.status == LineStatus.NEW, p.reason.in_(reasons)))
        stmt = (
            select(t.orders.c.id)
            .join(t.line_parts, t.line_parts.c.order_id == t.orders.c.id)
            .where(waiting)
            .where(t.orders.c.status.notin_(["ONHOLD", "ERROR"]))
            .group_by(t.orders.c.id, t.orders.c.placed_at)
            .order_by(t.orders.c.placed_at, t.orders.c.id)
        )
        if skus is not None:
            stmt = stmt.where(p.sku.in_(sorted(set(skus))))
        return list(self.session.scalars(stmt))

    def _seen(self, order: Order) -> None:
        if not any(o is order for o in self.seen):
            self.seen.append(order)
