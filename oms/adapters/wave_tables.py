"""The tables of sourcing waves: each channel's wave settings, each wave, and its orders.

Part of the one schema (``tables.metadata``); the migration "0006" creates them.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Integer, Numeric, String, Table, Text

from oms.adapters.tables import UtcDateTime, code, metadata

# Money as the engine reports it (six decimals), never a float.
COST = Numeric(18, 6)

channel_waves = Table(
    "channel_waves",
    metadata,
    code("channel", ForeignKey("channels.code", ondelete="CASCADE"), primary_key=True),
    Column("interval_seconds", Integer, nullable=False),
    Column("max_size", Integer, nullable=False),
    Column("sort", String(16), nullable=False),
)

waves = Table(
    "waves",
    metadata,
    Column("id", Integer, primary_key=True),
    code("channel", nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # channel | restock
    Column("key", String(200), unique=True),  # idempotency: a task id, so a redelivery resumes the same wave
    Column("status", String(16), nullable=False),  # running | done
    Column("actor", String(100), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    Column("orders", Integer, nullable=False),
    Column("units", Integer),
    Column("one_by_one_units", Integer),
    Column("cost", COST),
    Column("one_by_one_cost", COST),
    Column("shipments", Integer),
    Column("one_by_one_shipments", Integer),
    Column("groups", Integer),
    Column("proven", Boolean),
    Column("gap", Float),
    Column("duration_ms", Float),
    Column("note", Text),
)

wave_orders = Table(
    "wave_orders",
    metadata,
    Column("wave_id", ForeignKey("waves.id", ondelete="CASCADE"), primary_key=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("position", Integer, nullable=False),
    Column("applied", Boolean, nullable=False),
    Column("applied_at", UtcDateTime),
    Column("note", Text),  # how the wave did for this order, for its timeline
    Column("filled", Integer),
    Column("one_by_one_filled", Integer),
    Column("cost", COST),
    Column("one_by_one_cost", COST),
    Column("plan", JSON),
)
