"""The background tasks without a broker (the embedded default): they run in the calling process."""

from __future__ import annotations

import pytest

from oms.service.catalog import load_network
from oms.service.inventory import update_stock
from oms.service.orders import place_order
from oms.service.views import order_view
from oms.service.wave_views import waves_view
from oms.tasks import beat_schedule, celery_app, channel_wave_task, reallocate_after_restock_task
from tests.oms.builders import network, order
from tests.oms.invariants import check_invariants

BATCH = {"code": "web", "sources": "*", "sourcing_mode": "batch", "wave": {"interval_seconds": 120, "max_size": 10}}


@pytest.fixture
def tasks_on(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OMS_BROKER_URL", raising=False)
    monkeypatch.setenv("OMS_DATABASE_URL", database_url)


def test_without_a_broker_tasks_run_in_the_calling_process(app, tasks_on):
    assert celery_app.conf.task_always_eager
    load_network(app, network({("WH1", "A"): 3}, channels=[BATCH]))
    place_order(app, order("O1", ("A", 2)))
    result = channel_wave_task.delay("web").get()
    assert result["status"] == "done" and result["sourced"] == 1
    assert order_view(app, "O1")["status"] == "LOGISTICS"
    check_invariants(app)


def test_a_task_run_twice_applies_its_wave_once(app, tasks_on):
    load_network(app, network({("WH1", "A"): 3}, channels=[BATCH]))
    place_order(app, order("O1", ("A", 1)))
    first = channel_wave_task.apply(args=("web",), task_id="same-task").get()
    place_order(app, order("O2", ("A", 1)))
    again = channel_wave_task.apply(args=("web",), task_id="same-task").get()
    assert again["wave_id"] == first["wave_id"] and again["orders"] == 1
    assert order_view(app, "O2")["status"] == "NEW"
    assert len(waves_view(app)) == 1
    check_invariants(app)


def test_restock_reallocation_as_a_task(app, tasks_on):
    load_network(app, network(channels=[{"code": "web", "sources": "*"}]))
    place_order(app, order("O1", ("C", 1)))
    update_stock(app, {"mode": "ADJUST", "source": "WH1", "items": [{"sku": "C", "quantity": 1}]}, resource=False)
    assert reallocate_after_restock_task.delay(["C"]).get() == 1
    assert reallocate_after_restock_task.apply(args=(["C"],), task_id="r1").get() == 0
    assert order_view(app, "O1")["lines"][0]["units"] == {"ALLOCATEDSHIP": 1}
    check_invariants(app)


def test_the_beat_schedules_each_batch_channel_at_its_interval(app, tasks_on):
    load_network(app, network(channels=[BATCH, {"code": "direct", "sources": "*"}]))
    schedule = beat_schedule(app)
    assert list(schedule) == ["wave:web"]
    assert schedule["wave:web"]["schedule"].total_seconds() == 120
    assert schedule["wave:web"]["args"] == ("web",)
