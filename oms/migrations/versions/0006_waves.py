"""sourcing waves: channel wave settings, waves and their orders

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-30 07:34:19.919334

New tables only: existing data is untouched.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "waves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=True),
        sa.Column("one_by_one_units", sa.Integer(), nullable=True),
        sa.Column("cost", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("one_by_one_cost", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("shipments", sa.Integer(), nullable=True),
        sa.Column("one_by_one_shipments", sa.Integer(), nullable=True),
        sa.Column("groups", sa.Integer(), nullable=True),
        sa.Column("proven", sa.Boolean(), nullable=True),
        sa.Column("gap", sa.Float(), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waves")),
        sa.UniqueConstraint("key", name=op.f("uq_waves_key")),
    )
    with op.batch_alter_table("waves", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_waves_channel"), ["channel"], unique=False)

    op.create_table(
        "channel_waves",
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("max_size", sa.Integer(), nullable=False),
        sa.Column("sort", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel"], ["channels.code"], name=op.f("fk_channel_waves_channel_channels"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_channel_waves")),
    )
    op.create_table(
        "wave_orders",
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("filled", sa.Integer(), nullable=True),
        sa.Column("one_by_one_filled", sa.Integer(), nullable=True),
        sa.Column("cost", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("one_by_one_cost", sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column("plan", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_wave_orders_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["waves.id"], name=op.f("fk_wave_orders_wave_id_waves"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("wave_id", "order_id", name=op.f("pk_wave_orders")),
    )
    with op.batch_alter_table("wave_orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wave_orders_order_id"), ["order_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("wave_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wave_orders_order_id"))

    op.drop_table("wave_orders")
    op.drop_table("channel_waves")
    with op.batch_alter_table("waves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_waves_channel"))

    op.drop_table("waves")
