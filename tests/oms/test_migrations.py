"""The packaged migrations build exactly the schema the code maps, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from oms.adapters.database import Database
from oms.adapters.migrate import alembic_config, current_revision, head_revision, upgrade
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


def test_the_stock_rules_migration_keeps_the_data_and_zeroes_negative_stock_on_record(database_url: str) -> None:
    db = Database(database_url)
    try:
        with db.engine.connect() as conn:
            config = alembic_config(db)
            config.attributes["connection"] = conn
            command.downgrade(config, "0001")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO sources (code, name, type, enabled, priority, lat, lon, capabilities,"
                    " cost_fixed, cost_per_km, cost_per_unit, tags, attributes) VALUES ('S', '', 'warehouse',"
                    " true, 0, 0, 0, '[]', 0, 0, 0, '[]', '{}')"
                )
            )
            for sku, on_hand in (("NEG", -48), ("POS", 7)):
                conn.execute(
                    text(
                        "INSERT INTO stock (source, sku, on_hand, reserved, safety_stock, unlimited, updated_at)"
                        " VALUES ('S', :sku, :on_hand, 0, 0, false, '2026-11-30 08:00:00')"
                    ),
                    {"sku": sku, "on_hand": on_hand},
                )
        upgrade(db)
        with db.engine.connect() as conn:
            stock = dict(conn.execute(text("SELECT sku, on_hand FROM stock")).all())
            history = conn.execute(text("SELECT sku, on_hand_delta, cause FROM stock_history")).all()
        assert stock == {"NEG": 0, "POS": 7}
        assert [tuple(row) for row in history] == [("NEG", 48, "migration_clamp")]
        assert current_revision(db) == head_revision(db)
    finally:
        db.dispose()
