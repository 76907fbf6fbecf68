"""Celery beat's schedule, read from the batch channels' wave settings when the scheduler starts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from oms.service.app import Oms, transact
from oms.service.waves import batch_channels

REMORSE_CHECK = timedelta(seconds=60)


def beat_schedule(app: Oms) -> dict[str, dict[str, Any]]:
    """One entry per batch channel: its wave every ``interval_seconds``; remorse releases every minute if needed."""
    schedule = {
        f"wave:{code}": {
            "task": "oms.waves.channel",
            "schedule": timedelta(seconds=settings.interval_seconds),
            "args": (code,),
            "options": {"expires": settings.interval_seconds},  # a wave late by a whole interval is superseded
        }
        for code, settings in sorted(batch_channels(app).items())
    }
    channels = transact(app, lambda uow: uow.catalog.snapshot().channels, readonly=True)
    if any(channel.remorse_minutes for channel in channels.values()):
        schedule["remorse:release-due"] = {
            "task": "oms.orders.release_due",
            "schedule": REMORSE_CHECK,
            "options": {"expires": REMORSE_CHECK.total_seconds()},
        }
    return schedule
