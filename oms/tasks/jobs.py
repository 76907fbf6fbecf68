"""The OMS's background tasks: thin wrappers that call the same handlers as the command line.

Every task is safe to run twice: a wave is recorded under the task's id and
a redelivered task resumes that wave (the orders it already wrote are not
written again); re-sourcing only ever takes units that are still waiting.
Results and failures are logged with the task id.
"""

from __future__ import annotations

import os
from typing import Any

from celery.utils.log import get_task_logger

from oms.adapters.database import database_url
from oms.service.app import Oms
from oms.service.holds import release_due
from oms.service.orders import resource_waiting
from oms.service.waves import reallocate_after_restock, run_wave
from oms.tasks.celery_app import celery_app

log = get_task_logger(__name__)
_apps: dict[str, Oms] = {}


def oms_app() -> Oms:
    """One OMS per process and database (``OMS_DATABASE_URL``), made on first use (after a worker forks)."""
    url = database_url(os.environ.get("OMS_DATABASE_URL"))
    app = _apps.get(url)
    if app is None:
        app = _apps[url] = Oms.connect(url)
    return app


@celery_app.task(name="oms.waves.channel", bind=True)
def channel_wave_task(self: Any, channel: str) -> dict[str, Any]:
    """Source a batch channel's waiting orders as one wave (the beat schedules one per channel)."""
    task_id = self.request.id or "local"
    done = run_wave(oms_app(), channel, key=f"wave:{task_id}", actor=f"task {task_id}")
    log.info(
        "task %s: channel %s wave %s %s, %d order(s) sourced", task_id, channel, done.wave_id, done.status, done.sourced
    )
    return {
        "channel": channel,
        "status": done.status,
        "wave_id": done.wave_id,
        "orders": done.orders,
        "sourced": done.sourced,
    }


@celery_app.task(name="oms.waves.restock", bind=True)
def reallocate_after_restock_task(self: Any, skus: list[str]) -> int:
    """Stock arrived: the waiting backorders for ``skus`` are re-allocated as one wave per channel."""
    task_id = self.request.id or "local"
    sourced = reallocate_after_restock(oms_app(), set(skus), actor=f"task {task_id}", key=f"restock:{task_id}")
    log.info("task %s: restock of %d SKU(s) sourced %d order(s)", task_id, len(skus), sourced)
    return sourced


@celery_app.task(name="oms.orders.resource", bind=True)
def resource_waiting_task(self: Any, skus: list[str] | None = None) -> int:
    """Source again the orders whose units wait (after declines, backorders), oldest first."""
    task_id = self.request.id or "local"
    sourced = resource_waiting(oms_app(), set(skus) if skus else None, actor=f"task {task_id}")
    log.info("task %s: re-sourcing sourced %d order(s)", task_id, sourced)
    return sourced


@celery_app.task(name="oms.orders.release_due", bind=True)
def release_due_task(self: Any) -> list[str]:
    """Release and source the orders whose remorse period is over (the beat runs it every minute)."""
    task_id = self.request.id or "local"
    released = release_due(oms_app(), actor=f"task {task_id}")
    log.info("task %s: %d order(s) released at the end of their remorse period", task_id, len(released))
    return released
