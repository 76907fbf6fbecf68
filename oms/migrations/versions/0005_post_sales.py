"""money in exact decimals; service lines; returns, refunds, appeasements and price adjustments

Order lines' ``unit_price`` becomes NUMERIC(24, 4) (text on SQLite, which
would keep a numeric as a float): existing prices keep their value, rounded to
4 decimals.  Lines gain ``discount`` and ``tax`` (0 for existing lines),
orders and channels a ``currency`` (EUR for existing ones), channels their
post-sales settings (null: the defaults).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 09:00:00
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import sqlalchemy as sa
from alembic import op

from oms.adapters.tables import DecimalText

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _money() -> sa.types.TypeEngine:
    return sa.Numeric(24, 4).with_variant(DecimalText(), "sqlite")


def _fk(table: str, column: str, target: str, **kw: object) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), **kw)


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    with op.batch_alter_table("order_lines") as batch:
        if sqlite:
            batch.alter_column("unit_price", type_=DecimalText(), existing_nullable=False)
        else:
            batch.alter_column(
                "unit_price",
                type_=sa.Numeric(24, 4),
                existing_nullable=False,
                postgresql_using="round(unit_price::numeric, 4)",
            )
        batch.add_column(sa.Column("discount", _money(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("tax", _money(), nullable=False, server_default="0"))
    if sqlite:  # the float's shortest text, rounded like PostgreSQL's cast
        rows = bind.execute(sa.text("SELECT id, unit_price FROM order_lines")).all()
        for row_id, price in rows:
            exact = Decimal(repr(float(price))).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)
            bind.execute(
                sa.text("UPDATE order_lines SET unit_price = :p WHERE id = :i"), {"p": str(exact), "i": row_id}
            )
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("currency", sa.String(3), nullable=False, server_default="EUR"))
    with op.batch_alter_table("channels") as batch:
        batch.add_column(sa.Column("currency", sa.String(3), nullable=False, server_default="EUR"))
        batch.add_column(sa.Column("post_sales", sa.JSON(), nullable=True))
    _create_tables()


def _create_tables() -> None:
    op.create_table(
        "service_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.String(64), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("amount", _money(), nullable=False),
        sa.Column("tax", _money(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _fk("service_lines", "order_id", "orders", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_lines")),
    )
    op.create_index(op.f("ix_service_lines_order_id"), "service_lines", ["order_id"])
    op.create_table(
        "returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("order_number", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("refund", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        _fk("returns", "order_id", "orders", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_returns")),
    )
    op.create_index(op.f("ix_returns_order_id"), "returns", ["order_id"])
    op.create_table(
        "return_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.String(64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("good", sa.Integer(), nullable=True),
        sa.Column("damaged", sa.Integer(), nullable=True),
        _fk("return_lines", "return_id", "returns", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_lines")),
    )
    op.create_index(op.f("ix_return_lines_return_id"), "return_lines", ["return_id"])
    op.create_table(
        "refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("order_number", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("return_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("released_at", sa.DateTime(), nullable=True),
        sa.Column("released_by", sa.String(100), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_by", sa.String(100), nullable=True),
        _fk("refunds", "order_id", "orders", ondelete="CASCADE"),
        _fk("refunds", "return_id", "returns"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
    )
    op.create_index(op.f("ix_refunds_order_id"), "refunds", ["order_id"])
    op.create_table(
        "refund_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.String(64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount", _money(), nullable=False),
        _fk("refund_lines", "refund_id", "refunds", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_lines")),
    )
    op.create_index(op.f("ix_refund_lines_refund_id"), "refund_lines", ["refund_id"])
    op.create_table(
        "price_adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("order_number", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("line_id", sa.String(64), nullable=False),
        sa.Column("old_price", _money(), nullable=False),
        sa.Column("new_price", _money(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        _fk("price_adjustments", "order_id", "orders", ondelete="CASCADE"),
        _fk("price_adjustments", "refund_id", "refunds"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_adjustments")),
    )
    op.create_index(op.f("ix_price_adjustments_order_id"), "price_adjustments", ["order_id"])


def downgrade() -> None:
    for table in ("price_adjustments", "refund_lines", "refunds", "return_lines", "returns", "service_lines"):
        op.drop_table(table)
    with op.batch_alter_table("channels") as batch:
        batch.drop_column("post_sales")
        batch.drop_column("currency")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("currency")
    with op.batch_alter_table("order_lines") as batch:
        batch.drop_column("tax")
        batch.drop_column("discount")
        batch.alter_column("unit_price", type_=sa.Float(), existing_nullable=False)
