"""The relay's view of the outbox: claim due rows, record each attempt, settle a row, list and retry dead letters.

Claims are leases: a claimed row is not claimed again until its lease ends,
so a relay that dies mid-batch leaves its rows to the next relay once the
lease is over, and nothing is lost.  On PostgreSQL the claim also reads with
``FOR UPDATE SKIP LOCKED``, so relays running at once never wait for each
other nor take the same row; on SQLite the claim's write lock serialises them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, insert, or_, select, update

from oms.adapters import tables as t
from oms.adapters.database import Database

x = t.outbox.c
d = t.deliveries.c
MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    id: int
    topic: str
    key: str
    payload: dict[str, Any]
    created_at: datetime
    attempts: int

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.topic,
            "key": self.key,
            "created_at": self.created_at.isoformat(),
            "data": self.payload,
        }


def claim(db: Database, relay: str, now: datetime, lease: timedelta, limit: int) -> list[OutboxEvent]:
    """Up to ``limit`` due rows, oldest first, leased to ``relay`` until ``now + lease``."""
    due = and_(
        x.published_at.is_(None),
        x.dead_at.is_(None),
        or_(x.next_attempt_at.is_(None), x.next_attempt_at <= now),
        or_(x.claimed_until.is_(None), x.claimed_until <= now),
    )
    stmt = select(t.outbox).where(due).order_by(x.id).limit(limit)
    if not db.is_sqlite:
        stmt = stmt.with_for_update(skip_locked=True)
    with db.engine.begin() as conn:  # on SQLite: BEGIN IMMEDIATE (oms.adapters.database), one claimer at a time
        rows = list(conn.execute(stmt))
        if rows:
            ids = [r.id for r in rows]
            conn.execute(update(t.outbox).where(x.id.in_(ids)).values(claimed_until=now + lease, claimed_by=relay))
    return [OutboxEvent(r.id, r.topic, r.key, r.payload, r.created_at, r.attempts) for r in rows]


def delivered_targets(db: Database, outbox_id: int) -> set[str]:
    """Targets this event already reached (a retry does not send them again)."""
    with db.engine.connect() as conn:
        return set(conn.execute(select(d.target).where(d.outbox_id == outbox_id, d.ok.is_(True))).scalars())


def log_attempt(
    db: Database, outbox_id: int, target: str, attempt: int, problem: str | None, ms: float, at: datetime
) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            insert(t.deliveries).values(
                outbox_id=outbox_id, target=target[:300], attempt=attempt, ok=problem is None,
                detail=problem, elapsed_ms=ms, at=at,
            )
        )  # fmt: skip


def settle(db: Database, event: OutboxEvent, problem: str | None, now: datetime, max_attempts: int, base: float) -> str:
    """Mark the row delivered, due again after a backoff, or dead; returns which."""
    attempts = event.attempts + 1
    values: dict[str, Any] = {"attempts": attempts, "claimed_until": None, "claimed_by": None}
    if problem is None:
        outcome, values["published_at"] = "delivered", now
    elif attempts >= max_attempts:
        outcome, values["dead_at"], values["last_error"] = "dead", now, problem
    else:
        outcome, values["next_attempt_at"], values["last_error"] = "retry", now + backoff(attempts, base), problem
    with db.engine.begin() as conn:
        conn.execute(update(t.outbox).where(x.id == event.id).values(**values))
    return outcome


def backoff(attempts: int, base: float) -> timedelta:
    """Exponential in the attempts made, with full jitter (so that relays do not retry in step), at most an hour."""
    ceiling = min(base * 2 ** (attempts - 1), MAX_BACKOFF.total_seconds())
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))


def listing(db: Database, dead: bool, limit: int = 100) -> list[dict[str, Any]]:
    where = x.dead_at.is_not(None) if dead else and_(x.published_at.is_(None), x.dead_at.is_(None))
    stmt = select(t.outbox).where(where).order_by(x.id).limit(limit)
    with db.engine.connect() as conn:
        return [
            {
                "id": r.id,
                "type": r.topic,
                "key": r.key,
                "attempts": r.attempts,
                "created_at": r.created_at.isoformat(),
                "next_attempt_at": r.next_attempt_at.isoformat() if r.next_attempt_at else None,
                "dead_at": r.dead_at.isoformat() if r.dead_at else None,
                "last_error": r.last_error,
            }
            for r in conn.execute(stmt)
        ]


def retry(db: Database, outbox_id: int) -> bool:
    """Give a dead letter a fresh set of attempts; False when ``outbox_id`` is not a dead letter."""
    with db.engine.begin() as conn:
        done = conn.execute(
            update(t.outbox)
            .where(x.id == outbox_id, x.dead_at.is_not(None))
            .values(dead_at=None, attempts=0, next_attempt_at=None, claimed_until=None, claimed_by=None)
        )
    return done.rowcount == 1


def attempts_of(db: Database, outbox_id: int) -> list[dict[str, Any]]:
    with db.engine.connect() as conn:
        rows = conn.execute(select(t.deliveries).where(d.outbox_id == outbox_id).order_by(d.id))
        return [
            {"target": r.target, "attempt": r.attempt, "ok": r.ok, "detail": r.detail, "at": r.at.isoformat()}
            for r in rows
        ]
