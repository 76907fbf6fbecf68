"""The packaged migrations build exactly the schema the code maps, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from oms.adapters.database import Database
from oms.adapters.migrate import current_revision, head_revision, upgrade
from oms.adapters.tables import metadata


def test_the_migrated_schema_matches_the_tables_the_code_uses(database_url: str) -> None:
    db = Database(database_url)
    try:
        assert current_revision(db) == head_revision(db)
        assert upgrade(db) == (head_revision(db), head_revision(db))  # upgrading again changes nothing
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == []
    finally:
        db.dispose()


def test_the_waves_migration_keeps_existing_data_down_and_up_again(database_url: str) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect, text

    from oms.adapters.migrate import alembic_config

    db = Database(database_url)
    try:
        config = alembic_config(db)
        before_waves = ScriptDirectory.from_config(config).get_revision("0006").down_revision
        with db.engine.connect() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, before_waves)
            conn.commit()
        assert "waves" not in inspect(db.engine).get_table_names()
        with db.engine.begin() as conn:
            conn.execute(
                text("INSERT INTO channels (code, name, sourcing_mode, strategy) VALUES (:c, :n, :m, :s)"),
                {"c": "web", "n": "Web", "m": "batch", "s": "optimal"},
            )
        upgrade(db)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT code, sourcing_mode FROM channels")).all() == [("web", "batch")]
            assert conn.execute(text("SELECT count(*) FROM waves")).scalar() == 0
    finally:
        db.dispose()
