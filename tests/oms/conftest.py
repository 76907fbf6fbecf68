"""Fixtures for the OMS tests: an OMS on a fresh database (SQLite and PostgreSQL), a clock, a small network."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from oms.service.app import Oms
from tests.oms.databases import database, drop_template
from tests.oms.fakes import FakeRules

BACKENDS = ["sqlite", "postgresql"]


class Clock:
    """A clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session", autouse=True)
def _drop_pg_template() -> Iterator[None]:
    yield
    drop_template()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(database_url: str, clock: Clock) -> Iterator[Oms]:
    oms = Oms.connect(database_url, rules=FakeRules(), clock=clock)
    yield oms
    oms.db.dispose()
