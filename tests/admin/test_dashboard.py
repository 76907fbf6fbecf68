"""The dashboard: today's orders by channel and status, waiting orders, exceptions, outbox, sourcing latency."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import update

from api.admin.metrics import quantile
from oms.adapters import tables as t
from oms.service.catalog import load_network
from oms.service.dashboard import dashboard_counts
from oms.service.orders import place_order
from tests.oms.builders import network, order

CHANNELS = [{"code": "web", "sources": "*"}, {"code": "other", "sources": "*"}]


def seed(oms) -> None:
    load_network(oms, network({("WH1", "A"): 3, ("WH1", "C"): 0}, channels=CHANNELS))
    place_order(oms, order("W1", ("A", 2)))
    place_order(oms, order("W2", ("C", 2)))  # C takes backorders: waits for stock
    place_order(oms, order("X1", ("A", 1), channel="other"))


def test_the_counts_group_todays_orders_and_count_waiting_orders_and_the_outbox(admin_app) -> None:
    oms = admin_app[1]
    seed(oms)
    today = oms.clock().replace(hour=0, minute=0, second=0, microsecond=0)
    counts = dashboard_counts(oms, today)
    assert sum(r["orders"] for r in counts.orders_today) == 3
    assert {r["channel"] for r in counts.orders_today} == {"web", "other"}
    assert counts.waiting_orders >= 1
    assert counts.outbox_backlog > 0 and counts.oldest_backlog_at is not None
    assert counts.dead_letters == 0
    with oms.db.engine.begin() as conn:
        first = conn.execute(t.outbox.select().limit(1)).first()
        conn.execute(update(t.outbox).where(t.outbox.c.id == first.id).values(dead_at=today))
    after = dashboard_counts(oms, today)
    assert (after.dead_letters, after.outbox_backlog) == (1, counts.outbox_backlog - 1)
    assert dashboard_counts(oms, today + timedelta(days=1)).orders_today == []
    limited = dashboard_counts(oms, today, frozenset({"other"}))
    assert [(r["channel"], r["orders"]) for r in limited.orders_today] == [("other", 1)]


def test_the_dashboard_page_shows_the_counts_to_every_role(admin_app, as_user) -> None:
    oms = admin_app[1]
    seed(oms)
    for role in ("support", "merchant", "integration", "readonly", "admin"):
        html = as_user(role).get("/admin/").text
        assert "Orders today by channel and status" in html
        assert '<th scope="row">web</th>' in html and '<th scope="row">other</th>' in html
        assert "Waiting orders" in html and "dead letter" in html and "Sourcing latency" in html


def test_a_user_limited_to_a_channel_sees_only_its_channel_on_the_dashboard(admin_app, as_user) -> None:
    oms = admin_app[1]
    seed(oms)
    html = as_user("web-only").get("/admin/").text
    assert '<th scope="row">web</th>' in html and '<th scope="row">other</th>' not in html


def test_percentiles_are_interpolated_inside_the_bucket_that_holds_them() -> None:
    buckets = [(0.001, 50.0), (0.01, 90.0), (0.1, 100.0), (math.inf, 100.0)]
    assert quantile(0.5, buckets) == 0.001
    assert math.isclose(quantile(0.7, buckets), 0.001 + 0.009 * 20 / 40)
    assert math.isclose(quantile(0.99, buckets), 0.01 + 0.09 * 9 / 10)
    assert quantile(0.99, [(0.001, 0.0), (math.inf, 10.0)]) == 0.001  # beyond the last finite bound
