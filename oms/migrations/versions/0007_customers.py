"""Customer service: customers and search keys, comments, holds, remorse, the relay's tables, extension runs

Revision ID: 0007
Revises: 0006

Orders placed before keep no customer (the columns stay null); their
postcode key is filled from the shipping address they already hold, so that
a search by postcode finds them too.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from oms.contacts import fold_postcode

revision = "0007"
down_revision = "0006"
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
        batch.add_column(sa.Column("hold_reason", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("hold_until", sa.DateTime(), nullable=True))
    with op.batch_alter_table("channels") as batch:
        batch.add_column(sa.Column("remorse_minutes", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "order_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_comments_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_comments")),
    )
    op.create_index("ix_order_comments_order_id", "order_comments", ["order_id"])
    _relay_tables()
    op.create_table(
        "extension_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("log", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("elapsed_ms", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension_runs")),
    )
    op.create_index("ix_extension_runs_name", "extension_runs", ["name"])
    _fill_postcodes()
    for name, _ in KEYS:
        op.create_index(f"ix_orders_{name}", "orders", [name])
    op.create_index("ix_orders_status_reason", "orders", ["status", "reason"])
    op.create_index("ix_orders_created_at", "orders", ["created_at"])
    op.create_index("ix_order_lines_sku", "order_lines", ["sku", "order_id"])
    for column in PREFIXED:  # prefix searches (LIKE 'abc%') on PostgreSQL use a B-tree only with pattern operators
        op.create_index(
            f"ix_orders_{column}_prefix", "orders", [column], postgresql_ops={column: "varchar_pattern_ops"}
        )


def _relay_tables() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("claimed_until", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("claimed_by", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("dead_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("last_error", sa.Text(), nullable=True))
    op.create_index("ix_outbox_dead_at", "outbox", ["dead_at"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("elapsed_ms", sa.Float(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name=op.f("fk_deliveries_outbox_id_outbox"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
    )
    op.create_index("ix_deliveries_outbox_id_target", "deliveries", ["outbox_id", "target"])
    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
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
    op.drop_index("ix_order_lines_sku", table_name="order_lines")
    op.drop_index("ix_extension_runs_name", table_name="extension_runs")
    op.drop_table("extension_runs")
    op.drop_table("webhooks")
    op.drop_index("ix_deliveries_outbox_id_target", table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_index("ix_outbox_dead_at", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        for name in ("last_error", "dead_at", "claimed_by", "claimed_until", "next_attempt_at", "attempts"):
            batch.drop_column(name)
    op.drop_index("ix_order_comments_order_id", table_name="order_comments")
    op.drop_table("order_comments")
    with op.batch_alter_table("channels") as batch:
        batch.drop_column("remorse_minutes")
    for name in [n for n, _ in KEYS] + ["status_reason", "created_at"] + [f"{c}_prefix" for c in PREFIXED]:
        op.drop_index(f"ix_orders_{name}", table_name="orders")
    with op.batch_alter_table("orders") as batch:
        for name, _ in reversed(KEYS):
            batch.drop_column(name)
        batch.drop_column("hold_until")
        batch.drop_column("hold_reason")
        batch.drop_column("billing_address")
        batch.drop_column("customer")
