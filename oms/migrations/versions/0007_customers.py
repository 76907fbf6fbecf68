"""Customers on orders: the customer, the billing address and the folded keys support staff search by

Revision ID: 0007
Revises: 0004

Orders placed before keep no customer (the columns stay null); their
postcode key is filled from the shipping address they already hold, so that
a search by postcode finds them too.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from oms.contacts import fold_postcode

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None

PREFIXED = ("number", "name_key", "last_name_key")
KEYS = [("name_key", 201), ("last_name_key", 100), ("email_key", 254), ("phone_key", 32), ("postcode_key", 16)]


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("customer", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("billing_address", sa.JSON(), nullable=True))
        for name, length in KEYS:
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=True))
    _fill_postcodes()
    for name, _ in KEYS:
        op.create_index(f"ix_orders_{name}", "orders", [name])
    op.create_index("ix_orders_status_reason", "orders", ["status", "reason"])
    op.create_index("ix_orders_created_at", "orders", ["created_at"])
    for column in PREFIXED:  # prefix searches (LIKE 'abc%') on PostgreSQL use a B-tree only with pattern operators
        op.create_index(
            f"ix_orders_{column}_prefix", "orders", [column], postgresql_ops={column: "varchar_pattern_ops"}
        )


def _fill_postcodes() -> None:
    bind = op.get_bind()
    orders = sa.table("orders", sa.column("id", sa.Integer), sa.column("address", sa.JSON))
    keys = sa.table("orders", sa.column("id", sa.Integer), sa.column("postcode_key", sa.String))
    rows = [(r.id, (r.address or {}).get("postcode")) for r in bind.execute(sa.select(orders.c.id, orders.c.address))]
    updates = [{"order_id": i, "key": fold_postcode(p)} for i, p in rows if p]
    if updates:
        stmt = sa.update(keys).where(keys.c.id == sa.bindparam("order_id")).values(postcode_key=sa.bindparam("key"))
        bind.execute(stmt, updates)


def downgrade() -> None:
    for name in [n for n, _ in KEYS] + ["status_reason", "created_at"] + [f"{c}_prefix" for c in PREFIXED]:
        op.drop_index(f"ix_orders_{name}", table_name="orders")
    with op.batch_alter_table("orders") as batch:
        for name, _ in reversed(KEYS):
            batch.drop_column(name)
        batch.drop_column("billing_address")
        batch.drop_column("customer")
