"""The database schema: every table the OMS keeps (the migrations create exactly these)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.sql import false
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)


class UtcDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on every database (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class DecimalText(TypeDecorator):
    """Exact decimals on SQLite, which would keep a Numeric as a float: kept as their text."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: object) -> str | None:
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value: str | None, dialect: object) -> Decimal | None:
        return None if value is None else Decimal(value)


def money(name: str, **kw: object) -> Column:
    """An exact amount: NUMERIC(24, 4) (4 is the most minor digits an ISO 4217 currency has)."""
    kind = Numeric(24, 4, asdecimal=True).with_variant(DecimalText(), "sqlite")
    return Column(name, kind, nullable=False, **kw)


def code(name: str, *args: object, **kw: object) -> Column:
    return Column(name, String(64), *args, **kw)


catalog_state = Table(
    "catalog_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

sources = Table(
    "sources",
    metadata,
    code("code", primary_key=True),
    Column("name", String(200), nullable=False, default=""),
    Column("type", String(16), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("priority", Integer, nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("country", String(8)),
    Column("postcode", String(16)),
    Column("capabilities", JSON, nullable=False),
    Column("cost_fixed", Float, nullable=False),
    Column("cost_per_km", Float, nullable=False),
    Column("cost_per_unit", Float, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("attributes", JSON, nullable=False),
)

products = Table(
    "products",
    metadata,
    code("sku", primary_key=True),
    Column("type", String(16), nullable=False),
    Column("manage_stock", Boolean, nullable=False),
    Column("backorders", Boolean, nullable=False),
    Column("price_adjustable", Boolean, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("attributes", JSON, nullable=False),
)

channels = Table(
    "channels",
    metadata,
    code("code", primary_key=True),
    Column("name", String(200), nullable=False),
    Column("backorders", Boolean),
    Column("sourcing_mode", String(16), nullable=False),
    Column("strategy", String(16), nullable=False),
    Column("backorder_exception_days", Integer),
    Column("low_stock_threshold", Integer),
    Column("max_line_quantity", Integer, nullable=False, server_default="10000"),
    Column("currency", String(3), nullable=False, server_default="EUR"),
    Column("post_sales", JSON),  # settings of returns, refunds and appeasements; null: the defaults
    Column("remorse_minutes", Integer, nullable=False, server_default="0"),
    code("ruleset_name"),
    Column("ruleset_version", Integer),
)

channel_sources = Table(
    "channel_sources",
    metadata,
    code("channel", ForeignKey("channels.code", ondelete="CASCADE"), primary_key=True),
    code("source", ForeignKey("sources.code"), primary_key=True),
    Column("priority", Integer, nullable=False),
)

rulesets = Table(
    "rulesets",
    metadata,
    code("name", primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("checksum", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
)

ruleset_activations = Table(
    "ruleset_activations",
    metadata,
    Column("id", Integer, primary_key=True),
    code("channel", nullable=False),
    code("name"),
    Column("version", Integer),
    Column("activated_at", UtcDateTime, nullable=False),
    Column("actor", String(100), nullable=False),
)

stock = Table(
    "stock",
    metadata,
    code("source", ForeignKey("sources.code"), primary_key=True),
    code("sku", primary_key=True),
    Column("on_hand", Integer, nullable=False),
    Column("reserved", Integer, nullable=False),
    Column("safety_stock", Integer, nullable=False),
    Column("unlimited", Boolean, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_stock_sku", "sku"),
    # The last line behind the service's rules: stock is never negative, whatever a bug or a hand-written UPDATE does.
    CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
    CheckConstraint("reserved >= 0", name="reserved_not_negative"),
    CheckConstraint("safety_stock >= 0", name="safety_stock_not_negative"),
)

stock_messages = Table(
    "stock_messages",
    metadata,
    Column("reference", String(120), primary_key=True),
    Column("payload_hash", String(64), nullable=False),
    Column("result", JSON, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
)

stock_history = Table(
    "stock_history",
    metadata,
    Column("id", Integer, primary_key=True),
    code("source", nullable=False),
    code("sku", nullable=False),
    Column("on_hand_delta", Integer, nullable=False),
    Column("reserved_delta", Integer, nullable=False),
    Column("on_hand", Integer, nullable=False),
    Column("reserved", Integer, nullable=False),
    Column("safety_stock", Integer, nullable=False),
    Column("unlimited", Boolean, nullable=False),
    Column("cause", String(40), nullable=False),
    Column("reference", String(120)),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_stock_history_sku_source", "sku", "source"),
)

PREFIXED = ("number", "name_key", "last_name_key")
orders = Table(
    "orders",
    metadata,
    Column("id", Integer, primary_key=True),
    code("channel", nullable=False),
    code("number", nullable=False),
    Column("type", String(16), nullable=False),
    code("original_number"),
    Column("status", String(24), nullable=False),
    Column("reason", String(40)),
    Column("delivery_method", String(16), nullable=False),
    Column("address", JSON),
    code("pickup_source"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("placed_at", UtcDateTime, nullable=False),
    Column("attributes", JSON, nullable=False),
    Column("payload_hash", String(64), nullable=False),
    Column("hold", Text),
    Column("hold_released", Boolean, nullable=False),
    Column("sourcing_attempts", Integer, nullable=False),
    Column("bundle_attempts", JSON, nullable=False, server_default=text("'{}'")),  # bundle -> failed attempts
    Column("currency", String(3), nullable=False, server_default="EUR"),
    # Customer service: who the order is for, and the folded keys support staff search by (oms.contacts).
    Column("customer", JSON),
    Column("billing_address", JSON),
    Column("name_key", String(201)),
    Column("last_name_key", String(100)),
    Column("email_key", String(254)),
    Column("phone_key", String(32)),
    Column("postcode_key", String(16)),
    Column("hold_reason", String(40)),  # the code of a manual or remorse hold (None: held by the rules, or not held)
    Column("hold_until", UtcDateTime),  # a remorse hold ends then
    UniqueConstraint("channel", "number"),
    Index("ix_orders_number", "number"),
    Index("ix_orders_name_key", "name_key"),
    Index("ix_orders_last_name_key", "last_name_key"),
    Index("ix_orders_email_key", "email_key"),
    Index("ix_orders_phone_key", "phone_key"),
    Index("ix_orders_postcode_key", "postcode_key"),
    Index("ix_orders_status_reason", "status", "reason"),
    # Prefix searches (LIKE 'abc%') on PostgreSQL use a B-tree only with pattern operators.
    *[Index(f"ix_orders_{c}_prefix", c, postgresql_ops={c: "varchar_pattern_ops"}) for c in PREFIXED],
    Index("ix_orders_created_at", "created_at"),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    code("line_id", nullable=False),
    code("sku", nullable=False),
    Column("quantity", Integer, nullable=False),
    money("unit_price"),
    money("discount", server_default="0"),
    money("tax", server_default="0"),
    code("bundle"),
    Column("product_type", String(16), nullable=False),
    code("preshipped_source"),
    Column("allow_backorder", Boolean),
    Column("attributes", JSON, nullable=False),
    Column("position", Integer, nullable=False),
    Column("declined_sources", JSON, nullable=False),
    Index("ix_order_lines_sku", "sku", "order_id"),  # the order search by SKU
)

service_lines = Table(
    "service_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    code("line_id", nullable=False),
    Column("type", String(16), nullable=False),
    money("amount"),
    money("tax"),
    Column("position", Integer, nullable=False),
)

shipment_requests = Table(
    "shipment_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    code("source", nullable=False),
    Column("method", String(16), nullable=False),
    code("destination", nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", String(40)),
    Column("carrier", String(100)),
    Column("tracking", String(100)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_shipment_requests_source_status", "source", "status"),
)

packages = Table(
    "packages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", ForeignKey("shipment_requests.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("carrier", String(100), nullable=False),
    Column("tracking", String(100), nullable=False),
    Column("lines", JSON, nullable=False),
    Column("shipped_at", UtcDateTime, nullable=False),
)

line_parts = Table(
    "line_parts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    code("line_id", nullable=False),
    code("sku", nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("status", String(24), nullable=False),
    Column("reason", String(40)),
    code("source"),
    Column("request_id", ForeignKey("shipment_requests.id")),
    Column("handover_id", ForeignKey("shipment_requests.id")),
    Column("via_id", ForeignKey("shipment_requests.id")),
    code("reserved_at"),
    Column("since", UtcDateTime, nullable=False),
    Column("exception", Boolean, nullable=False),
    Column("shortfall", Boolean, nullable=False, server_default=false()),
    Index("ix_line_parts_sku_status", "sku", "status"),
)

status_history = Table(
    "status_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("entity", String(16), nullable=False),
    code("entity_id", nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("from_status", String(24)),
    Column("from_reason", String(40)),
    Column("to_status", String(24), nullable=False),
    Column("to_reason", String(40)),
    Column("actor", String(100), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("note", Text),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("topic", String(64), nullable=False),
    Column("key", String(120), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("published_at", UtcDateTime),
    # The relay's bookkeeping (oms.relay): attempts so far, when to try again, whose lease, dead letters.
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UtcDateTime),
    Column("claimed_until", UtcDateTime),
    Column("claimed_by", String(100)),
    Column("dead_at", UtcDateTime),
    Column("last_error", Text),
    Index("ix_outbox_unpublished", "published_at", "id"),
    Index("ix_outbox_dead_at", "dead_at"),
    Index("ix_outbox_key", "key"),  # an order's timeline: the messages sent about it
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("outbox_id", ForeignKey("outbox.id", ondelete="CASCADE"), nullable=False),
    Column("target", String(300), nullable=False),  # "email:<message>:<address>" or "webhook:<id>"
    Column("attempt", Integer, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("detail", Text),
    Column("elapsed_ms", Float, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_deliveries_outbox_id_target", "outbox_id", "target"),
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Integer, primary_key=True),
    code("channel"),  # None: every channel
    Column("url", String(2048), nullable=False),
    Column("events", JSON, nullable=False),  # event types wanted; ["*"]: all
    Column("secret", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("active", Boolean, nullable=False),
)

order_comments = Table(
    "order_comments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("author", String(100), nullable=False),
    Column("visibility", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

extension_runs = Table(
    "extension_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, index=True),
    Column("actor", String(100), nullable=False),
    Column("params", JSON, nullable=False),
    Column("status", String(16), nullable=False),  # succeeded | failed
    Column("result", JSON),
    Column("error", Text),
    Column("log", JSON, nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("elapsed_ms", Float, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("channels", JSON),  # null: every channel
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", String(64), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer),  # null: the effect is committed, the response not yet recorded
    Column("body", Text),
    Column("location", String(1024)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
)

# The wave tables live in their own module but in this one schema.
from oms.adapters import wave_tables  # noqa: E402, F401

returns = Table(
    "returns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    code("order_number", nullable=False),
    code("channel", nullable=False),
    Column("status", String(16), nullable=False),
    code("source", nullable=False),
    Column("reason", String(40), nullable=False),
    Column("description", Text),
    Column("refund", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by", String(100), nullable=False),
)

return_lines = Table(
    "return_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("return_id", ForeignKey("returns.id", ondelete="CASCADE"), nullable=False, index=True),
    code("line_id", nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("good", Integer),
    Column("damaged", Integer),
)

refunds = Table(
    "refunds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    code("order_number", nullable=False),
    code("channel", nullable=False),
    Column("currency", String(3), nullable=False),
    Column("kind", String(16), nullable=False),  # refund | appeasement
    Column("status", String(16), nullable=False),
    Column("reason", String(40), nullable=False),
    Column("note", Text),
    Column("return_id", ForeignKey("returns.id")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("released_at", UtcDateTime),
    Column("released_by", String(100)),
    Column("cancelled_at", UtcDateTime),
    Column("cancelled_by", String(100)),
)

price_adjustments = Table(
    "price_adjustments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    code("order_number", nullable=False),
    code("channel", nullable=False),
    Column("currency", String(3), nullable=False),
    code("line_id", nullable=False),
    money("old_price"),
    money("new_price"),
    Column("quantity", Integer, nullable=False),
    code("source", nullable=False),
    Column("refund_id", ForeignKey("refunds.id")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
)

refund_lines = Table(
    "refund_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("refund_id", ForeignKey("refunds.id", ondelete="CASCADE"), nullable=False, index=True),
    code("line_id", nullable=False),
    Column("quantity", Integer, nullable=False),
    money("amount"),
)

# People who sign in to the admin pages; the password is kept only as its argon2 hash.
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("channels", JSON),  # null: every channel
    Column("disabled_at", UtcDateTime),  # null: may sign in
    Column("failed_signins", Integer, nullable=False, server_default="0"),
    Column("locked_until", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_signin_at", UtcDateTime),
)

# Failed sign-ins per client address, so that guessing across many names is slowed too (shared by all workers).
signin_throttle = Table(
    "signin_throttle",
    metadata,
    Column("address", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_started_at", UtcDateTime, nullable=False),
    Column("blocked_until", UtcDateTime),
)

# Secrets the service generates for itself when none is configured (the admin session key).
service_secrets = Table(
    "service_secrets",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", String(255), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
