"""stock never negative (CHECK), stock messages idempotent by reference, shortfall flags, channel line limits

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 08:00:00.000000

Existing data is kept.  Rows that a bug left with negative stock are set to
zero first, each with a stock history row (cause ``migration_clamp``), so
that the new CHECK constraints hold; the next stock change of a row whose
on-hand is under its reservations flags the shortfall.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CHECKS = {
    "on_hand_not_negative": "on_hand >= 0",
    "reserved_not_negative": "reserved >= 0",
    "safety_stock_not_negative": "safety_stock >= 0",
}


def upgrade() -> None:
    _clamp_negative_stock()
    with op.batch_alter_table("stock", schema=None) as batch_op:
        for name, condition in CHECKS.items():
            batch_op.create_check_constraint(op.f(f"ck_stock_{name}"), condition)
    op.create_table(
        "stock_messages",
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_stock_messages")),
    )
    with op.batch_alter_table("line_parts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shortfall", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.add_column(sa.Column("max_line_quantity", sa.Integer(), nullable=False, server_default="10000"))


def _clamp_negative_stock() -> None:
    """Record, then undo, what negative stock a bug may have left (on hand, reserved, safety stock)."""
    op.execute(
        "INSERT INTO stock_history (source, sku, on_hand_delta, reserved_delta, on_hand, reserved, safety_stock,"
        " unlimited, cause, reference, at)"
        " SELECT source, sku,"
        " CASE WHEN on_hand < 0 THEN -on_hand ELSE 0 END, CASE WHEN reserved < 0 THEN -reserved ELSE 0 END,"
        " CASE WHEN on_hand < 0 THEN 0 ELSE on_hand END, CASE WHEN reserved < 0 THEN 0 ELSE reserved END,"
        " CASE WHEN safety_stock < 0 THEN 0 ELSE safety_stock END, unlimited, 'migration_clamp',"
        " 'schema 0002: stock is never negative', updated_at"
        " FROM stock WHERE on_hand < 0 OR reserved < 0 OR safety_stock < 0"
    )
    for column in ("on_hand", "reserved", "safety_stock"):
        op.execute(f"UPDATE stock SET {column} = 0 WHERE {column} < 0")


def downgrade() -> None:
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.drop_column("max_line_quantity")
    with op.batch_alter_table("line_parts", schema=None) as batch_op:
        batch_op.drop_column("shortfall")
    op.drop_table("stock_messages")
    with op.batch_alter_table("stock", schema=None) as batch_op:
        for name in CHECKS:
            batch_op.drop_constraint(op.f(f"ck_stock_{name}"), type_="check")
