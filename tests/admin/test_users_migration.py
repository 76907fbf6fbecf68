"""The users migration adds its tables and keeps everything else, down and up again (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, text

from oms.adapters.database import Database
from oms.adapters.migrate import alembic_config, upgrade
from oms.service.app import Oms
from oms.service.keys import create_key
from oms.service.users import create_user, list_users
from tests.oms.databases import database

NEW_TABLES = {"users", "signin_throttle", "service_secrets"}


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    with database(request.param, tmp_path) as found:
        yield found


def test_the_users_migration_keeps_existing_data_down_and_up_again(url: str) -> None:
    oms = Oms.connect(url)
    try:
        create_key(oms, "support", name="kept")
        create_user(oms, "ann", "a long enough passphrase", "support")
        config = alembic_config(oms.db)
        with oms.db.engine.connect() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0008")
            conn.commit()
        assert NEW_TABLES.isdisjoint(inspect(oms.db.engine).get_table_names())
        upgrade(Database(url))
        with oms.db.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM api_keys")).scalars().all() == ["kept"]
        assert list_users(oms) == []
        create_user(oms, "ann", "a long enough passphrase", "support")
        assert [u.name for u in list_users(oms)] == ["ann"]
    finally:
        oms.db.dispose()
