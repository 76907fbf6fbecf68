"""The unit of work: one transaction per command, with its stock moves, history and outbox.

On commit, the stock moves of every order touched are made to stick (or the
whole transaction gives way with ``StockConflict``), then the aggregates are
flushed, the stock-shortfall flags of the rows that moved are brought in line
with their stock, and every event is written to the outbox, status changes
also to the history: all in the same transaction as the change itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import insert

from oms.adapters import tables as t
from oms.adapters.catalog import CatalogRepository
from oms.adapters.database import Database
from oms.adapters.orders import OrderRepository
from oms.adapters.post_sales import PostSalesRepository
from oms.adapters.stock import StockRepository
from oms.domain.catalog import CatalogSnapshot, sellable
from oms.domain.events import Context, Event, StatusChange, StockEvent
from oms.domain.refunds import cancellation_refund, cancelled_in
from oms.domain.statuses import Reason
from oms.limits import MAX_ACTOR, refuse_bad_texts
from oms.service import idempotency
from oms.service.shortfall import reconcile

Clock = Callable[[], datetime]
NOT_BACK = (Reason.RETURNREJECTED, Reason.RETURNCANCELLED)  # an exchange's units whose return failed: no money


class UnitOfWork:
    def __init__(self, db: Database, clock: Clock, readonly: bool = False, pessimistic: bool = False) -> None:
        self.db = db
        self.clock = clock
        self.readonly = readonly
        self.pessimistic = pessimistic
        self.events: list[Event] = []
        self.notes: list[str] = []  # warnings for the caller (stock shortfalls flagged by this transaction)

    def __enter__(self) -> UnitOfWork:
        self.session = self.db.session(self.readonly)
        self.orders = OrderRepository(self.session)
        self.post_sales = PostSalesRepository(self.session)
        self.stock = StockRepository(self.session, lock_rows=not self.db.is_sqlite)
        self.catalog = CatalogRepository(self.session, self.db.cache)
        self.now = self.clock()
        self.claim = None
        if not self.readonly:
            try:  # first, so that a twin request waits here for this one's outcome
                self.claim = idempotency.write_pending_claim(self.session, self.now)
            except BaseException:
                self.__exit__()
                raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.rollback()
        self.session.close()

    def context(self, actor: str) -> Context:
        refuse_bad_texts(("actor", actor, MAX_ACTOR, False))
        return Context(actor, self.now)

    def commit(self, last: Callable[[], None] | None = None) -> None:
        """Make everything stick; ``last`` writes what must see the whole transaction (say, its warnings)."""
        for order in self.orders.seen:
            order.compact()
            self.stock.apply(order.moves, f"order {order.channel}/{order.number}", self.now)
            order.moves.clear()
        self.session.flush()
        self._refund_cancellations()
        self.events.extend(self.post_sales.take_events())
        if self.stock.before:
            skus = sorted({sku for _, sku in self.stock.before})
            self.notes += reconcile(self, self.stock.before, self.stock.current(skus))
            self.session.flush()
            self.events.extend(self._stock_events())
        self._write_records()
        if last is not None:
            last()
        self.session.commit()
        if self.claim is not None:
            self.claim.written = True

    def _refund_cancellations(self) -> None:
        """Refund, in this transaction, the units of paid orders it cancelled, whoever cancelled them.

        Customer service, sourcing (no source, no stock, a bundle that cannot
        ship whole), shortfalls and declines all cancel through the order's
        parts; the cancellations are read from the order's unwritten events.
        """
        from oms.service.settlement import refund_cancelled_exchange  # it sources: it needs this module first

        added = False
        for order in list(self.orders.seen):
            cancelled = cancelled_in(order.events)
            if not cancelled or order.id is None:
                continue
            settings = self.catalog.snapshot().channels[order.channel].post_sales
            actor = next(e.actor for e in reversed(order.events) if getattr(e, "to_status", None) == "CANCELLED")
            ctx = Context(actor, self.now)
            if order.type == "exchange":  # paid on the original; the units its return did not bring back
                refund_cancelled_exchange(self, order, cancelled_in(order.events, NOT_BACK), ctx)
                added = True
                continue
            refund = cancellation_refund(order, self.post_sales.refunds_of(order.id), cancelled, ctx)
            if refund is not None:
                self.post_sales.add(refund)
                refund.submit(settings.auto_release_refunds, ctx)
                added = True
        if added:
            self.session.flush()

    def _write_records(self) -> None:
        """Stock history, status history and outbox rows."""
        events = [e for order in self.orders.seen for e in order.events] + self.events
        for order in self.orders.seen:
            order.events.clear()
        self.events = []
        tables = [
            (t.stock_history, self.stock.take_history()),
            (t.status_history, [_history_row(e) for e in events if isinstance(e, StatusChange)]),
            (
                t.outbox,
                [
                    {"topic": e.topic, "key": e.key, "payload": _jsonable(e.payload()), "created_at": e.at}
                    for e in events
                ],
            ),
        ]
        for table, rows in tables:
            if rows:  # executemany: compiled once and cached, cheaper than one statement of many VALUES
                self.session.execute(insert(table), rows)

    def _stock_events(self) -> list[StockEvent]:
        """stock.updated with the channels' new sellable figures; stock.low where one fell under its threshold."""
        changed, self.stock.before = self.stock.before, {}
        skus = sorted({sku for _, sku in changed})
        snapshot = self.catalog.snapshot()
        after = self.stock.current(skus)
        before = {**after, **changed}
        products = self.catalog.products(snapshot, skus)
        events = []
        for sku in skus:
            managed = products[sku].manage_stock if sku in products else True
            figures, low = {}, {}
            for channel in snapshot.channels.values():
                codes = [c for c, _ in channel.links if c in snapshot.sources and snapshot.sources[c].enabled]
                now_ = sellable([after[(c, sku)] for c in codes if (c, sku) in after], managed)
                was = sellable([before[(c, sku)] for c in codes if (c, sku) in before], managed)
                if now_ != was:
                    figures[channel.code] = _figure(now_)
                    threshold = channel.low_stock_threshold
                    if threshold is not None and now_ < threshold <= was:
                        low[channel.code] = {"sellable": _figure(now_), "threshold": threshold}
            if figures:
                events.append(StockEvent("stock.updated", sku, self.now, {"sellable": figures}))
            for code, data in low.items():
                events.append(StockEvent("stock.low", sku, self.now, {"channel": code, **data}))
        return events

    def snapshot(self) -> CatalogSnapshot:
        return self.catalog.snapshot()


def _figure(value: float) -> int | None:
    return None if value == float("inf") else int(value)


def _history_row(e: StatusChange) -> dict[str, Any]:
    return {
        "order_id": e.order.id,
        "entity": e.entity,
        "entity_id": e.resolved_entity_id,
        "quantity": e.quantity,
        "from_status": e.from_status,
        "from_reason": e.from_reason,
        "to_status": e.to_status,
        "to_reason": e.to_reason,
        "actor": e.actor,
        "at": e.at,
        "note": e.note,
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value
