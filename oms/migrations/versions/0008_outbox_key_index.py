"""index the outbox by key, so that an order's timeline finds the messages sent about it

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 09:55:00.000000

Only an index is added: no data changes.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbox_key", "outbox", ["key"])


def downgrade() -> None:
    op.drop_index("ix_outbox_key", table_name="outbox")
