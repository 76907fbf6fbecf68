"""The money migration keeps every existing price, now exact, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import MetaData, Table, insert, select

from oms.adapters import tables as t
from oms.adapters.database import Database
from oms.adapters.migrate import upgrade
from oms.service.app import Oms
from oms.service.views import order_view
from tests.oms.conftest import BACKENDS
from tests.oms.databases import empty_database


@pytest.mark.parametrize("kind", BACKENDS)
def test_float_unit_prices_become_exact_decimals_and_old_orders_show_their_money(kind: str, tmp_path) -> None:
    with empty_database(kind, tmp_path) as url:
        db = Database(url)
        try:
            upgrade(db, "0004")
            _an_order_with_float_prices(db)
            upgrade(db)
            with db.engine.connect() as conn:
                rows = conn.execute(
                    select(t.order_lines.c.line_id, t.order_lines.c.unit_price, t.order_lines.c.discount).order_by(
                        t.order_lines.c.line_id
                    )
                ).all()
                currency = conn.execute(select(t.orders.c.currency)).scalar_one()
            assert [(r.line_id, Decimal(r.unit_price), Decimal(r.discount)) for r in rows] == [
                ("1", Decimal("19.99"), Decimal(0)),
                ("2", Decimal("0.3"), Decimal(0)),
                ("3", Decimal("129"), Decimal(0)),
            ]
            assert currency == "EUR"
        finally:
            db.dispose()
        app = Oms.connect(url)
        try:
            view = order_view(app, "O1")
            assert [ln["unit_price"] for ln in view["lines"]] == ["19.99", "0.30", "129.00"]
            assert view["money"]["paid"] == "169.28" and view["money"]["refundable"] == "169.28"
        finally:
            app.db.dispose()


def _an_order_with_float_prices(db: Database) -> None:
    now = datetime(2026, 11, 26, 9, 0)
    meta = MetaData()
    with db.engine.begin() as conn:
        orders, lines, parts = (Table(n, meta, autoload_with=conn) for n in ("orders", "order_lines", "line_parts"))
        conn.execute(
            insert(orders),
            [
                {
                    "id": 1,
                    "channel": "web",
                    "number": "O1",
                    "type": "normal",
                    "status": "NEW",
                    "reason": "NEWFRONTEND",
                    "delivery_method": "ship",
                    "created_at": now,
                    "placed_at": now,
                    "attributes": {},
                    "payload_hash": "x",
                    "hold_released": False,
                    "sourcing_attempts": 0,
                    "bundle_attempts": {},
                }
            ],
        )
        line = {"order_id": 1, "product_type": "physical", "attributes": {}, "declined_sources": []}
        conn.execute(
            insert(lines),
            [
                {**line, "line_id": "1", "sku": "A", "quantity": 2, "unit_price": 19.99, "position": 0},
                {**line, "line_id": "2", "sku": "B", "quantity": 1, "unit_price": 0.1 + 0.2, "position": 1},
                {**line, "line_id": "3", "sku": "C", "quantity": 1, "unit_price": 129.0, "position": 2},
            ],
        )
        part = {"order_id": 1, "since": now, "exception": False, "status": "NEW", "reason": "INITIALORDER"}
        conn.execute(
            insert(parts),
            [
                {**part, "line_id": "1", "sku": "A", "quantity": 2},
                {**part, "line_id": "2", "sku": "B", "quantity": 1},
                {**part, "line_id": "3", "sku": "C", "quantity": 1},
            ],
        )
