"""The packaged migrations build exactly the schema the code maps, and keep existing data, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, Table, func, insert, select, text

from oms.adapters import tables as t
from oms.adapters.database import Database
from oms.adapters.migrate import alembic_config, current_revision, head_revision, upgrade
from oms.adapters.tables import metadata
from tests.oms.conftest import BACKENDS
from tests.oms.databases import empty_database


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


@pytest.mark.parametrize("kind", BACKENDS)
def test_requests_shipped_before_packages_existed_keep_their_shipment_as_one_package(kind: str, tmp_path) -> None:
    with empty_database(kind, tmp_path) as url:
        db = Database(url)
        try:
            upgrade(db, "0001")
            _an_order_shipped_under_0001(db)
            upgrade(db)
            with db.engine.connect() as conn:
                packages = conn.execute(select(t.packages).order_by(t.packages.c.request_id)).all()
                attempts = conn.execute(select(t.orders.c.bundle_attempts)).scalar_one()
            assert [(p.request_id, p.carrier, p.tracking, p.lines) for p in packages] == [
                (1, "DHL", "JJD1", [{"line_id": "1", "sku": "A", "quantity": 2}])
            ]
            assert attempts == {}
            with db.engine.connect() as conn:  # nothing else was lost on the way (a table rebuild would cascade)
                kept = [
                    conn.execute(select(func.count()).select_from(x)).scalar()
                    for x in (t.shipment_requests, t.line_parts)
                ]
            assert kept == [2, 2]
        finally:
            db.dispose()


def _an_order_shipped_under_0001(db: Database) -> None:
    """Rows as the first schema wrote them: one request shipped, one still open."""
    now = datetime(2026, 11, 26, 9, 0)
    meta = MetaData()
    with db.engine.begin() as conn:
        orders, requests, parts = (
            Table(n, meta, autoload_with=conn) for n in ("orders", "shipment_requests", "line_parts")
        )
        conn.execute(
            insert(orders),
            [
                {
                    "id": 1,
                    "channel": "web",
                    "number": "O1",
                    "type": "normal",
                    "status": "LOGISTICS",
                    "reason": "PARTIALLYSHIPPED",
                    "delivery_method": "ship",
                    "created_at": now,
                    "placed_at": now,
                    "attributes": {},
                    "payload_hash": "x",
                    "hold_released": False,
                    "sourcing_attempts": 1,
                }
            ],
        )
        request = {"order_id": 1, "method": "HOME", "destination": "customer", "created_at": now, "updated_at": now}
        conn.execute(
            insert(requests),
            [
                {**request, "id": 1, "source": "WH1", "status": "SHIPPED", "carrier": "DHL", "tracking": "JJD1"},
                {**request, "id": 2, "source": "WH2", "status": "NEW", "carrier": None, "tracking": None},
            ],
        )
        part = {"order_id": 1, "line_id": "1", "sku": "A", "since": now, "exception": False}
        conn.execute(
            insert(parts),
            [
                {**part, "quantity": 2, "status": "SHIPPED", "reason": "OSREPORT", "source": "WH1", "request_id": 1},
                {
                    **part,
                    "quantity": 1,
                    "status": "ALLOCATEDSHIP",
                    "reason": "SHIPMENTCREATED",
                    "request_id": 2,
                    "source": "WH2",
                },
            ],
        )


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
