"""Throwaway databases for tests: a SQLite file, or a PostgreSQL database created and dropped per use.

Without a PostgreSQL server the PostgreSQL variants skip with the reason;
under CI (``CI=true``) they must run, so a missing server fails them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PG_ADMIN = os.environ.get("OMS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
_template_ready: dict[str, str] = {}


def _pg_connect():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)


def require_postgres() -> None:
    try:
        with _pg_connect():
            return
    except Exception as err:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI but unreachable at {PG_ADMIN}: {err}")
        pytest.skip(f"no PostgreSQL server at {PG_ADMIN} ({err.__class__.__name__}); these tests need one")


def _pg_url(name: str) -> str:
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


def _template() -> str:
    """A migrated database to copy from: CREATE DATABASE ... TEMPLATE is much faster than migrating each time."""
    if "pg" in _template_ready:
        return _template_ready["pg"]
    from oms.adapters.database import Database
    from oms.adapters.migrate import upgrade

    name = f"oms_tmpl_{uuid.uuid4().hex[:10]}"
    with _pg_connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    db = Database(_pg_url(name))
    upgrade(db)
    db.dispose()
    _template_ready["pg"] = name
    return name


def drop_template() -> None:
    name = _template_ready.pop("pg", None)
    if name:
        with _pg_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def postgres_database() -> Iterator[str]:
    require_postgres()
    template = _template()
    name = f"oms_test_{uuid.uuid4().hex[:12]}"
    with _pg_connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield _pg_url(name)
    finally:
        with _pg_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def empty_database(kind: str, directory: Path) -> Iterator[str]:
    """A database with no schema at all (for migration tests that start from an old revision)."""
    if kind != "postgresql":
        yield f"sqlite:///{directory / f'oms-empty-{uuid.uuid4().hex[:8]}.sqlite'}"
        return
    require_postgres()
    name = f"oms_test_{uuid.uuid4().hex[:12]}"
    with _pg_connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url(name)
    finally:
        with _pg_connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def sqlite_database(directory: Path) -> Iterator[str]:
    from oms.adapters.database import Database
    from oms.adapters.migrate import upgrade

    path = directory / f"oms-{uuid.uuid4().hex[:8]}.sqlite"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    db.dispose()
    yield f"sqlite:///{path}"


@contextmanager
def database(kind: str, directory: Path) -> Iterator[str]:
    manager = postgres_database() if kind == "postgresql" else sqlite_database(directory)
    with manager as url:
        yield url
