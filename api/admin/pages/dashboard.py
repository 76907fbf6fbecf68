"""The dashboard: the state of the OMS at a glance, for every role."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from flask import render_template

from api.admin.access import admin_required, channels_limit
from api.admin.blueprint import bp
from api.admin.metrics import sourcing_latency
from api.http.extensions import current_oms
from oms.service.dashboard import dashboard_counts
from oms.service.exceptions import exceptions_view
from oms.service.stock_exceptions import stock_shortfall_exceptions

SHOWN_EXCEPTIONS = 20


@bp.route("/")
@admin_required("merchant", "integration", "support")
def dashboard() -> Any:
    """Today's orders by channel and status, exceptions, waiting orders, the outbox, sourcing latency."""
    oms = current_oms()
    now = oms.clock()
    today = datetime(now.year, now.month, now.day, tzinfo=now.tzinfo)
    limit = channels_limit()
    counts = dashboard_counts(oms, today, limit)
    exceptions = [r for r in exceptions_view(oms) if limit is None or r["channel"] in limit]
    shortfalls = [r for r in stock_shortfall_exceptions(oms) if limit is None or r["channel"] in limit]
    return render_template(
        "admin/dashboard.html",
        today=today,
        table=_by_channel(counts.orders_today),
        counts=counts,
        exceptions=exceptions[:SHOWN_EXCEPTIONS],
        exception_count=len(exceptions),
        shortfalls=len(shortfalls),
        latency=sourcing_latency(),
    )


def _by_channel(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Rows of (channel, status, orders) as a channel x status table with totals."""
    cells: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        cells[row["channel"]][row["status"]] = row["orders"]
    statuses = sorted({row["status"] for row in rows})
    return {
        "statuses": statuses,
        "rows": [(name, [by.get(s, 0) for s in statuses], sum(by.values())) for name, by in sorted(cells.items())],
        "totals": [sum(by.get(s, 0) for by in cells.values()) for s in statuses],
        "total": sum(row["orders"] for row in rows),
    }
