"""Connecting to the OMS database: ``OMS_DATABASE_URL``, SQLite by default, PostgreSQL in production.

SQLite serialises writers; every writing transaction starts with ``BEGIN
IMMEDIATE`` so that two processes never both read and then both try to
write (which SQLite would answer with "database is locked" in the middle of a
transaction).  WAL lets readers go on while one writes.  On PostgreSQL the
repositories take row locks where a read must hold until commit.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from oms.adapters.orm import start_mappers

DEFAULT_URL = "sqlite:///oms.sqlite"
SQLITE_BUSY_TIMEOUT_S = 60


def database_url(url: str | None = None) -> str:
    return url or os.environ.get("OMS_DATABASE_URL") or DEFAULT_URL


class Database:
    """One engine and session factory per process and database, plus a cache of the catalog."""

    def __init__(self, url: str | None = None) -> None:
        start_mappers()
        self.url: URL = make_url(database_url(url))
        self.engine = _engine(self.url)
        self.readonly_engine = self.engine.execution_options(oms_readonly=True)
        self.sessions = sessionmaker(bind=self.engine, expire_on_commit=False, autoflush=False)
        self.readonly_sessions = sessionmaker(bind=self.readonly_engine, expire_on_commit=False, autoflush=False)
        self.cache: dict[str, object] = {}

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file, if this database is one (``None`` for PostgreSQL and in-memory SQLite)."""
        if not self.is_sqlite or not self.url.database or self.url.database == ":memory:":
            return None
        return Path(self.url.database)

    @property
    def exists(self) -> bool:
        """False for a SQLite file not created yet; connecting would create it, so read-only callers ask first."""
        path = self.sqlite_path
        return path is None or path.exists()

    def create_file(self) -> None:
        """Make the SQLite file's directory (only the commands that create the schema do this)."""
        path = self.sqlite_path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)

    def session(self, readonly: bool = False) -> Session:
        return (self.readonly_sessions if readonly else self.sessions)()

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"<Database {self.url.render_as_string(hide_password=True)}>"


def _engine(url: URL) -> Engine:
    if url.get_backend_name() != "sqlite":
        # Prepared at first use: the same few statements run for every order, parsing and planning once pays.
        return create_engine(url, pool_size=10, max_overflow=10, connect_args={"prepare_threshold": 0})
    engine = create_engine(
        url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False}, pool_size=10, max_overflow=10
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("oms_readonly") else "BEGIN IMMEDIATE")

    return engine
