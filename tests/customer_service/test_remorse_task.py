"""The beat releases remorse holds every minute when a channel has a remorse period; the task is the same handler."""

from __future__ import annotations

import pytest

from oms.service.app import Oms
from oms.service.catalog import load_network
from oms.service.orders import place_order
from oms.service.views import order_view
from oms.tasks import beat_schedule, release_due_task
from tests.oms.builders import network, order


@pytest.fixture
def tasks_on(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OMS_BROKER_URL", raising=False)
    monkeypatch.setenv("OMS_DATABASE_URL", database_url)


def test_the_remorse_release_is_scheduled_only_when_a_channel_has_a_remorse_period(app: Oms, tasks_on) -> None:
    load_network(app, network(channels=[{"code": "web", "sources": "*"}]))
    assert "remorse:release-due" not in beat_schedule(app)
    load_network(app, network(channels=[{"code": "web", "sources": "*", "remorse_minutes": 1}]))
    entry = beat_schedule(app)["remorse:release-due"]
    assert entry["task"] == "oms.orders.release_due" and entry["schedule"].total_seconds() == 60


def test_the_release_task_releases_orders_whose_period_is_over(app: Oms, tasks_on) -> None:
    load_network(app, network({("WH1", "A"): 2}, channels=[{"code": "web", "sources": "*", "remorse_minutes": 1}]))
    place_order(app, order("O1", ("A", 1)))  # the test clock's "now" is days before the task's real one
    assert order_view(app, "O1", "web")["status"] == "ONHOLD"
    assert release_due_task.delay().get() == ["web/O1"]
    assert order_view(app, "O1", "web")["status"] == "LOGISTICS"
    assert release_due_task.delay().get() == []
