"""packages of shipment requests; sourcing attempts per bundle

Sources ship a request in one or more packages, each with its own carrier and
tracking number.  Requests shipped before this revision shipped in one package
carrying the request's carrier and tracking: one package row is made for each,
holding the units the request shipped.  Orders count failed sourcing attempts
per bundle; existing orders start from none.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-30 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("carrier", sa.String(length=100), nullable=False),
        sa.Column("tracking", sa.String(length=100), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("shipped_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["shipment_requests.id"],
            name=op.f("fk_packages_request_id_shipment_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_packages")),
    )
    with op.batch_alter_table("packages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_packages_request_id"), ["request_id"], unique=False)
    # A plain ALTER TABLE, never batch mode: on SQLite a batch rebuild drops the old orders table, and with
    # foreign keys on that deletes every request, part and history row through their ON DELETE CASCADE.
    op.add_column("orders", sa.Column("bundle_attempts", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    _package_shipped_requests()


def _package_shipped_requests() -> None:
    """One package per request shipped before packages existed, with the units it shipped."""
    conn = op.get_bind()
    meta = sa.MetaData()
    requests = sa.Table("shipment_requests", meta, autoload_with=conn)
    parts = sa.Table("line_parts", meta, autoload_with=conn)
    packages = sa.Table(
        "packages",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("request_id", sa.Integer),
        sa.Column("carrier", sa.String(100)),
        sa.Column("tracking", sa.String(100)),
        sa.Column("lines", sa.JSON),
        sa.Column("shipped_at", sa.DateTime),
    )
    r, p = requests.c, parts.c
    shipped = conn.execute(
        sa.select(r.id, r.method, r.carrier, r.tracking, r.updated_at)
        .where(r.status == "SHIPPED", r.method.in_(["HOME", "STS"]))
        .order_by(r.id)
    ).all()
    rows = []
    for req in shipped:
        # Home delivery: the units still SHIPPED on the request; ship to store: the units it brought to the store.
        mine = (p.request_id == req.id) & (p.status == "SHIPPED") if req.method == "HOME" else p.via_id == req.id
        lines = [
            {"line_id": line_id, "sku": sku, "quantity": int(quantity)}
            for line_id, sku, quantity in conn.execute(
                sa.select(p.line_id, p.sku, sa.func.sum(p.quantity))
                .where(mine)
                .group_by(p.line_id, p.sku)
                .order_by(p.line_id)
            )
        ]
        if lines:
            rows.append(
                {
                    "request_id": req.id,
                    "carrier": req.carrier or "",
                    "tracking": req.tracking or "",
                    "lines": lines,
                    "shipped_at": req.updated_at,
                }
            )
    if rows:
        conn.execute(sa.insert(packages), rows)


def downgrade() -> None:
    op.drop_column("orders", "bundle_attempts")  # not batch mode: see upgrade()
    with op.batch_alter_table("packages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_packages_request_id"))
    op.drop_table("packages")
