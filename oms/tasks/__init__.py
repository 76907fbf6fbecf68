"""Background work on Celery (RabbitMQ in production, in-process when no broker is configured)."""

from oms.tasks.celery_app import celery_app
from oms.tasks.jobs import (
    channel_wave_task,
    reallocate_after_restock_task,
    release_due_task,
    resource_waiting_task,
)
from oms.tasks.schedule import beat_schedule

__all__ = [
    "beat_schedule",
    "celery_app",
    "channel_wave_task",
    "reallocate_after_restock_task",
    "release_due_task",
    "resource_waiting_task",
]
