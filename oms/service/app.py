"""What every command handler needs: the database, the rules compiler, a clock; and retries.

``transact`` runs one unit of work and retries it when the database or the
stock says another transaction got there first: a reservation that no longer
fits (re-sourced against fresh stock, holding row locks from the second try
on), a deadlock or serialisation failure, or a concurrent insert of the same
order (a few times: a key still taken after that is a real duplicate, and a
broken CHECK is never retried).  Handlers are written once and stay unaware
of this.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError

from oms.adapters.database import Database
from oms.errors import OmsError, Refused, StockConflict
from oms.rules import CompiledRules, DslRules, RulesCompiler
from oms.service.unit_of_work import Clock, UnitOfWork

T = TypeVar("T")
MAX_ATTEMPTS = 25
MAX_INTEGRITY_RETRIES = 3  # a unique key taken concurrently shows on the next try; more means a real duplicate
RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Oms:
    db: Database
    rules: RulesCompiler = field(default_factory=DslRules)
    clock: Clock = utc_now
    compiled: dict[tuple[str, int], CompiledRules] = field(default_factory=dict)
    on_plan: Callable[[Any], None] | None = None  # told of every plan the engine makes (metrics)

    @classmethod
    def connect(cls, url: str | None = None, **kw: object) -> Oms:
        return cls(Database(url), **kw)  # type: ignore[arg-type]

    def uow(self, readonly: bool = False, pessimistic: bool = False) -> UnitOfWork:
        return UnitOfWork(self.db, self.clock, readonly, pessimistic)


class GaveUp(OmsError):
    pass


def transact(app: Oms, work: Callable[[UnitOfWork], T], readonly: bool = False) -> T:
    last: Exception | None = None
    duplicates = 0
    for attempt in range(MAX_ATTEMPTS):
        try:
            with app.uow(readonly=readonly, pessimistic=attempt > 0) as uow:
                return work(uow)
        except StockConflict as err:
            last = err
        except IntegrityError as err:
            duplicates += 1
            if _broken_rule(err) or duplicates > MAX_INTEGRITY_RETRIES:
                raise Refused(f"the database refused the change: {_constraint(err)}") from None
            last = err  # a concurrent insert of the same key: the next try finds the row
        except DBAPIError as err:
            if not _retryable(err):
                raise
            last = err
        time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
    raise GaveUp(f"gave up after {MAX_ATTEMPTS} attempts: {last}")


def _broken_rule(err: IntegrityError) -> bool:
    """A CHECK or NOT NULL violation: trying again cannot help."""
    state = getattr(err.orig, "sqlstate", None)
    return state in ("23514", "23502") or "CHECK constraint failed" in str(err.orig) or "NOT NULL" in str(err.orig)


def _constraint(err: IntegrityError) -> str:
    """The violated constraint in words, without the SQL statement."""
    diag = getattr(err.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return f"constraint {name} violated"
    return str(err.orig).strip().splitlines()[0]


def _retryable(err: DBAPIError) -> bool:
    state = getattr(err.orig, "sqlstate", None)
    if state in RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(err.orig)
