"""Orders placed before customers existed keep everything, and their postcode finds them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from oms.adapters import tables as t
from oms.adapters.database import Database
from oms.adapters.migrate import upgrade
from tests.oms.conftest import BACKENDS
from tests.oms.databases import empty_database
from tests.oms.test_migrations import _an_order_shipped_under_0001


@pytest.mark.parametrize("kind", BACKENDS)
def test_orders_placed_before_customers_existed_are_kept_and_found_by_postcode(kind: str, tmp_path) -> None:
    with empty_database(kind, tmp_path) as url:
        db = Database(url)
        try:
            upgrade(db, "0001")
            _an_order_shipped_under_0001(db)
            with db.engine.begin() as conn:
                address = {"lat": 52.5, "lon": 13.4, "country": "DE", "postcode": "10 115"}
                conn.execute(update(t.orders).values(address=address))
            upgrade(db)
            with db.engine.connect() as conn:
                row = conn.execute(select(t.orders.c.number, t.orders.c.customer, t.orders.c.postcode_key)).one()
                parts = conn.execute(select(func.count()).select_from(t.line_parts)).scalar()
            assert tuple(row) == ("O1", None, "10115")
            assert parts == 2
        finally:
            db.dispose()
