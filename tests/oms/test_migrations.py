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
