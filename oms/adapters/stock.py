"""Stock rows, changed only by conditional updates whose result is checked: no oversell, ever.

A reservation (or any change that lowers what is available) is one UPDATE
that also requires the stock to still be there after it; if another
transaction took it first, no row comes back and the caller re-sources.
Rows are changed in (source, sku) order so that concurrent transactions take
their row locks in the same order and never deadlock on stock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.orm import Session

from oms.adapters import tables as t
from oms.domain.parts import StockMove
from oms.errors import StockConflict
from sourcing_engine.model import StockRow

s = t.stock.c


@dataclass(slots=True)
class Change:
    """All of one transaction's moves on one stock row."""

    source: str
    sku: str
    on_hand: int = 0
    reserved: int = 0
    checked: bool = False
    create: bool = False
    cause: str = ""


_RETURNED = (s.on_hand, s.reserved, s.safety_stock, s.unlimited)
_MOVE = (
    update(t.stock)
    .where(s.source == bindparam("m_source"), s.sku == bindparam("m_sku"))
    .values(
        on_hand=s.on_hand + bindparam("m_on_hand"),
        reserved=s.reserved + bindparam("m_reserved"),
        updated_at=bindparam("m_at"),
    )
    .returning(*_RETURNED)
)
# Lowering what is available only if it is still there afterwards: the no-oversell guard.
_CHECKED_MOVE = _MOVE.where(
    s.on_hand + bindparam("m_on_hand") >= 0,
    or_(s.unlimited, s.on_hand + bindparam("m_on_hand") - s.safety_stock - s.reserved - bindparam("m_reserved") >= 0),
)
# Taking units off the shelf (a shipment, a collection, a pre-shipped line): only while the shelf holds them.
_FLOORED_MOVE = _MOVE.where(s.on_hand + bindparam("m_on_hand") >= 0)
_ROW = select(*_RETURNED).where(s.source == bindparam("m_source"), s.sku == bindparam("m_sku"))
_ROWS = select(s.source, s.sku, *_RETURNED).where(s.sku.in_(bindparam("skus", expanding=True)))
_LOCKED_ROWS = _ROWS.order_by(s.source, s.sku).with_for_update()


class StockRepository:
    def __init__(self, session: Session, lock_rows: bool) -> None:
        self.session = session
        self.lock_rows = lock_rows  # PostgreSQL: SELECT ... FOR UPDATE where asked
        self.history: list[dict] = []
        self.before: dict[tuple[str, str], tuple[int, int, int, bool]] = {}  # rows changed: state at start
        self.known: dict[str, dict[str, tuple[int, int, int, bool]]] = {}  # sku -> source -> row, as last seen

    def rows(self, skus: Iterable[str], lock: bool = False) -> list[StockRow]:
        """Every source's row for ``skus``, read now (and locked until commit on PostgreSQL when asked)."""
        wanted = sorted(set(skus))
        stmt = _LOCKED_ROWS if lock and self.lock_rows else _ROWS
        out = [StockRow(*row) for row in self.session.execute(stmt, {"skus": wanted})]
        for sku in wanted:
            self.known[sku] = {}
        for row in out:
            self.known[row.sku][row.source] = (row.on_hand, row.reserved, row.safety_stock, row.unlimited)
        return out

    def apply(self, moves: Iterable[StockMove], reference: str, now: datetime) -> None:
        """Make ``moves`` stick, or raise ``StockConflict`` if a checked one no longer fits."""
        for change in sorted(_combine(moves).values(), key=lambda c: (c.source, c.sku)):
            if change.on_hand == 0 and change.reserved == 0:
                continue
            self._apply(change, reference, now)

    def _apply(self, change: Change, reference: str, now: datetime) -> None:
        lowers = change.on_hand - change.reserved < 0
        params = {
            "m_source": change.source,
            "m_sku": change.sku,
            "m_on_hand": change.on_hand,
            "m_reserved": change.reserved,
            "m_at": now,
        }
        row = self.session.execute(_statement(change, lowers), params).first()
        if row is None:
            if change.on_hand < 0 or (change.checked and lowers):
                self._floored(change, lowers, reference, now)
                return
            if not change.create:
                return
            row = (change.on_hand, change.reserved, 0, False)
            self.session.execute(
                insert(t.stock).values(
                    source=change.source,
                    sku=change.sku,
                    on_hand=row[0],
                    reserved=row[1],
                    safety_stock=0,
                    unlimited=False,
                    updated_at=now,
                )
            )
        self.record(
            change.source, change.sku, change.on_hand, change.reserved, tuple(row), change.cause, reference, now
        )

    def _floored(self, change: Change, lowers: bool, reference: str, now: datetime) -> None:
        """The move did not fit: another order took the stock (a conflict), or on hand stops at zero.

        Units can leave a shelf the OMS thought empty (a shipment the stock
        feed had not counted, an unlimited row): on hand then stops at zero and
        the history says by how much it really moved.
        """
        key = {"m_source": change.source, "m_sku": change.sku}
        current = self.session.execute(_ROW.with_for_update() if self.lock_rows else _ROW, key).first()
        taken = current is None or (
            not current.unlimited
            and current.on_hand - current.safety_stock - current.reserved + change.on_hand - change.reserved < 0
        )
        if change.checked and lowers and taken:
            raise StockConflict(f"{change.sku} at {change.source}: stock taken by another order")
        if current is None:
            return  # no row: the OMS never counted this stock
        change.on_hand = max(change.on_hand, -current.on_hand)
        params = {**key, "m_on_hand": change.on_hand, "m_reserved": change.reserved, "m_at": now}
        row = self.session.execute(_MOVE, params).one()
        self.record(
            change.source, change.sku, change.on_hand, change.reserved, tuple(row), change.cause, reference, now
        )

    def record(
        self,
        source: str,
        sku: str,
        on_hand_delta: int,
        reserved_delta: int,
        after: tuple,
        cause: str,
        reference: str | None,
        now: datetime,
        before: tuple | None = None,
    ) -> None:
        on_hand, reserved, safety, unlimited = after
        if before is None:
            before = (on_hand - on_hand_delta, reserved - reserved_delta, safety, unlimited)
        self.before.setdefault((source, sku), tuple(before))  # type: ignore[arg-type]
        if sku in self.known:
            self.known[sku][source] = (on_hand, reserved, safety, unlimited)
        self.history.append(
            {
                "source": source,
                "sku": sku,
                "on_hand_delta": on_hand_delta,
                "reserved_delta": reserved_delta,
                "on_hand": on_hand,
                "reserved": reserved,
                "safety_stock": safety,
                "unlimited": unlimited,
                "cause": cause,
                "reference": reference,
                "at": now,
            }
        )

    def current(self, skus: list[str]) -> dict[tuple[str, str], tuple[int, int, int, bool]]:
        """Every row of ``skus`` as this transaction leaves it (read again only for SKUs not seen whole)."""
        missing = [sku for sku in skus if sku not in self.known]
        if missing:
            self.rows(missing)
        return {(source, sku): row for sku in skus for source, row in self.known[sku].items()}

    def take_history(self) -> list[dict]:
        history, self.history = self.history, []
        return history


def _statement(change: Change, lowers: bool):  # type: ignore[no-untyped-def]
    if change.checked and lowers:
        return _CHECKED_MOVE
    return _FLOORED_MOVE if change.on_hand < 0 else _MOVE


def _combine(moves: Iterable[StockMove]) -> dict[tuple[str, str], Change]:
    combined: dict[tuple[str, str], Change] = {}
    for move in moves:
        change = combined.setdefault((move.source, move.sku), Change(move.source, move.sku))
        change.on_hand += move.on_hand
        change.reserved += move.reserved
        change.checked = change.checked or move.checked
        change.create = change.create or move.cause == "ship_to_store_received"
        change.cause = move.cause if not change.cause or change.cause == move.cause else "mixed"
    return combined
