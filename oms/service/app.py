"""What every command handler needs: the database, the rules compiler, a clock; and retries.

``transact`` runs one unit of work and retries it when the database or the
stock says another transaction got there first: a reservation that no longer
fits (re-sourced against fresh stock, holding row locks from the second try
on), a deadlock or serialisation failure, or a concurrent insert of the same
order.  Handlers are written once and stay unaware of this.
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
from oms.errors import OmsError, StockConflict
from oms.rules import CompiledRules, DslRules, RulesCompiler
from oms.service.unit_of_work import Clock, UnitOfWork

T = TypeVar("T")
MAX_ATTEMPTS = 25
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
    for attempt in range(MAX_ATTEMPTS):
        try:
            with app.uow(readonly=readonly, pessimistic=attempt > 0) as uow:
                return work(uow)
        except StockConflict as err:
            last = err
        except IntegrityError as err:
            last = err
        except DBAPIError as err:
            if not _retryable(err):
                raise
            last = err
        time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
    raise GaveUp(f"gave up after {MAX_ATTEMPTS} attempts: {last}")


def _retryable(err: DBAPIError) -> bool:
    state = getattr(err.orig, "sqlstate", None)
    if state in RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(err.orig)
