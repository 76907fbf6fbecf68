"""the OMS schema: catalog, stock, orders, requests, history, outbox

Revision ID: 0001
Revises:
Create Date: 2026-11-26 16:24:11.444407
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_state")),
    )
    op.execute("INSERT INTO catalog_state (id, version) VALUES (1, 0)")
    op.create_table(
        "channels",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("backorders", sa.Boolean(), nullable=True),
        sa.Column("sourcing_mode", sa.String(length=16), nullable=False),
        sa.Column("strategy", sa.String(length=16), nullable=False),
        sa.Column("backorder_exception_days", sa.Integer(), nullable=True),
        sa.Column("low_stock_threshold", sa.Integer(), nullable=True),
        sa.Column("ruleset_name", sa.String(length=64), nullable=True),
        sa.Column("ruleset_version", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_channels")),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("original_number", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("delivery_method", sa.String(length=16), nullable=False),
        sa.Column("address", sa.JSON(), nullable=True),
        sa.Column("pickup_source", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("placed_at", sa.DateTime(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("hold", sa.Text(), nullable=True),
        sa.Column("hold_released", sa.Boolean(), nullable=False),
        sa.Column("sourcing_attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("channel", "number", name=op.f("uq_orders_channel_number")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_number", ["number"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_unpublished", ["published_at", "id"], unique=False)

    op.create_table(
        "products",
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("manage_stock", sa.Boolean(), nullable=False),
        sa.Column("backorders", sa.Boolean(), nullable=False),
        sa.Column("price_adjustable", sa.Boolean(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("sku", name=op.f("pk_products")),
    )
    op.create_table(
        "ruleset_activations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("activated_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ruleset_activations")),
    )
    op.create_table(
        "rulesets",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("name", "version", name=op.f("pk_rulesets")),
    )
    op.create_table(
        "sources",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=True),
        sa.Column("postcode", sa.String(length=16), nullable=True),
        sa.Column("capabilities", sa.JSON(), nullable=False),
        sa.Column("cost_fixed", sa.Float(), nullable=False),
        sa.Column("cost_per_km", sa.Float(), nullable=False),
        sa.Column("cost_per_unit", sa.Float(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_sources")),
    )
    op.create_table(
        "stock_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("on_hand_delta", sa.Integer(), nullable=False),
        sa.Column("reserved_delta", sa.Integer(), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("safety_stock", sa.Integer(), nullable=False),
        sa.Column("unlimited", sa.Boolean(), nullable=False),
        sa.Column("cause", sa.String(length=40), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_history")),
    )
    with op.batch_alter_table("stock_history", schema=None) as batch_op:
        batch_op.create_index("ix_stock_history_sku_source", ["sku", "source"], unique=False)

    op.create_table(
        "channel_sources",
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel"], ["channels.code"], name=op.f("fk_channel_sources_channel_channels"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["source"], ["sources.code"], name=op.f("fk_channel_sources_source_sources")),
        sa.PrimaryKeyConstraint("channel", "source", name=op.f("pk_channel_sources")),
    )
    op.create_table(
        "order_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Float(), nullable=False),
        sa.Column("bundle", sa.String(length=64), nullable=True),
        sa.Column("product_type", sa.String(length=16), nullable=False),
        sa.Column("preshipped_source", sa.String(length=64), nullable=True),
        sa.Column("allow_backorder", sa.Boolean(), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("declined_sources", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_lines_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines")),
    )
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_lines_order_id"), ["order_id"], unique=False)

    op.create_table(
        "shipment_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("destination", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("carrier", sa.String(length=100), nullable=True),
        sa.Column("tracking", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_shipment_requests_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipment_requests")),
    )
    with op.batch_alter_table("shipment_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipment_requests_order_id"), ["order_id"], unique=False)
        batch_op.create_index("ix_shipment_requests_source_status", ["source", "status"], unique=False)

    op.create_table(
        "status_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=24), nullable=True),
        sa.Column("from_reason", sa.String(length=40), nullable=True),
        sa.Column("to_status", sa.String(length=24), nullable=False),
        sa.Column("to_reason", sa.String(length=40), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_status_history_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_history")),
    )
    with op.batch_alter_table("status_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_history_order_id"), ["order_id"], unique=False)

    op.create_table(
        "stock",
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("safety_stock", sa.Integer(), nullable=False),
        sa.Column("unlimited", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["source"], ["sources.code"], name=op.f("fk_stock_source_sources")),
        sa.PrimaryKeyConstraint("source", "sku", name=op.f("pk_stock")),
    )
    with op.batch_alter_table("stock", schema=None) as batch_op:
        batch_op.create_index("ix_stock_sku", ["sku"], unique=False)

    op.create_table(
        "line_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("handover_id", sa.Integer(), nullable=True),
        sa.Column("via_id", sa.Integer(), nullable=True),
        sa.Column("reserved_at", sa.String(length=64), nullable=True),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.Column("exception", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["handover_id"], ["shipment_requests.id"], name=op.f("fk_line_parts_handover_id_shipment_requests")
        ),
        sa.ForeignKeyConstraint(
            ["via_id"], ["shipment_requests.id"], name=op.f("fk_line_parts_via_id_shipment_requests")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_line_parts_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["shipment_requests.id"], name=op.f("fk_line_parts_request_id_shipment_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_parts")),
    )
    with op.batch_alter_table("line_parts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_line_parts_order_id"), ["order_id"], unique=False)
        batch_op.create_index("ix_line_parts_sku_status", ["sku", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("line_parts", schema=None) as batch_op:
        batch_op.drop_index("ix_line_parts_sku_status")
        batch_op.drop_index(batch_op.f("ix_line_parts_order_id"))

    op.drop_table("line_parts")
    with op.batch_alter_table("stock", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_sku")

    op.drop_table("stock")
    with op.batch_alter_table("status_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_history_order_id"))

    op.drop_table("status_history")
    with op.batch_alter_table("shipment_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_shipment_requests_source_status")
        batch_op.drop_index(batch_op.f("ix_shipment_requests_order_id"))

    op.drop_table("shipment_requests")
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_lines_order_id"))

    op.drop_table("order_lines")
    op.drop_table("channel_sources")
    with op.batch_alter_table("stock_history", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_history_sku_source")

    op.drop_table("stock_history")
    op.drop_table("sources")
    op.drop_table("rulesets")
    op.drop_table("ruleset_activations")
    op.drop_table("products")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_unpublished")

    op.drop_table("outbox")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_number")

    op.drop_table("orders")
    op.drop_table("channels")
    op.drop_table("catalog_state")
