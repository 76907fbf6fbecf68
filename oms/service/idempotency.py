"""Idempotency keys: a command sent twice under one key takes effect once.

The claim on a key is written by the unit of work, as the first statement of
the first writing transaction of the command, so it commits or rolls back
with the command's effect: a crash leaves no claimed key without its effect,
and no effect without its claim.  A second request with the same key blocks on
that row (PostgreSQL's unique index, SQLite's single writer) until the first
transaction ends, then finds the claim and replays the recorded response.

The response is recorded just after the effect commits.  In the short gap
between the two (or after a crash inside it) the key answers "in flight".
A command that changes nothing (a re-sourcing run that found no waiting
order) has no writing transaction; its claim is written with its response.
"""

from __future__ import annotations

import contextvars
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from oms.adapters import tables as t
from oms.errors import OmsError

if TYPE_CHECKING:
    from oms.service.app import Oms

TTL = timedelta(hours=24)
MAX_KEY = 255
i = t.idempotency_keys.c


class KeyTaken(OmsError):
    """Another request claimed this key first (its transaction committed while this one waited)."""


@dataclass(slots=True)
class Claim:
    scope: str  # whose keys: one caller's keys never meet another's
    key: str
    fingerprint: str  # of the request: method, path and body
    written: bool = field(default=False)


@dataclass(frozen=True, slots=True)
class Recorded:
    fingerprint: str
    status_code: int | None  # None: the effect committed, the response is not recorded (yet)
    body: str | None
    location: str | None


_claim: contextvars.ContextVar[Claim | None] = contextvars.ContextVar("oms_idempotency_claim", default=None)


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


@contextmanager
def claiming(claim: Claim) -> Iterator[Claim]:
    """Every writing unit of work opened inside writes ``claim`` first, until one commits it."""
    token = _claim.set(claim)
    try:
        yield claim
    finally:
        _claim.reset(token)


def write_pending_claim(session: Session, now: datetime) -> Claim | None:
    """Called by the unit of work when a writing transaction begins; raises KeyTaken when the key is claimed."""
    claim = _claim.get()
    if claim is None or claim.written:
        return None
    try:
        session.execute(insert(t.idempotency_keys).values(_row(claim, now)))
    except IntegrityError:
        raise KeyTaken(claim.key) from None
    return claim


def find(app: Oms, scope: str, key: str) -> Recorded | None:
    """The live record of ``key``; an expired one is deleted so that the key can be used again."""
    with app.db.session(readonly=True) as session:
        row = session.execute(select(t.idempotency_keys).where(i.scope == scope, i.key == key)).first()
    if row is None:
        return None
    if row.expires_at <= app.clock():
        with app.db.session() as session:
            session.execute(
                delete(t.idempotency_keys).where(i.scope == scope, i.key == key, i.expires_at <= app.clock())
            )
            session.commit()
        return None
    return Recorded(row.fingerprint, row.status_code, row.body, row.location)


def wait_for_response(app: Oms, scope: str, key: str, timeout: float) -> Recorded | None:
    """The record once its response is there, or as it stands after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        found = find(app, scope, key)
        if found is None or found.status_code is not None or time.monotonic() >= deadline:
            return found
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def record_response(app: Oms, claim: Claim, status_code: int, body: str, location: str | None) -> None:
    """Keep the response to replay; writes the claim too when no unit of work did (nothing changed)."""
    now = app.clock()
    values = {"status_code": status_code, "body": body, "location": location}
    with app.db.session() as session:
        if claim.written:
            session.execute(update(t.idempotency_keys).where(i.scope == claim.scope, i.key == claim.key).values(values))
        else:
            session.execute(insert(t.idempotency_keys).values({**_row(claim, now), **values}))
        session.execute(delete(t.idempotency_keys).where(i.expires_at <= now))
        try:
            session.commit()
        except IntegrityError:  # a concurrent twin recorded first: its answer stands
            session.rollback()


def _row(claim: Claim, now: datetime) -> dict[str, object]:
    return {
        "scope": claim.scope,
        "key": claim.key,
        "fingerprint": claim.fingerprint,
        "created_at": now,
        "expires_at": now + TTL,
    }
