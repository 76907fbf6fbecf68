"""The Celery application: configured in one place from ``OMS_BROKER_URL``, eager when it is unset.

No broker connection is made at import time: Celery connects when a task is
sent or a worker starts.  ``OMS_TASK_QUEUE`` names the queue (default
``oms``), so that several deployments (or test runs) can share one broker.
"""

from __future__ import annotations

import os

from celery import Celery

from oms.service.background import BROKER_ENV, broker_url

QUEUE_ENV = "OMS_TASK_QUEUE"
DEFAULT_QUEUE = "oms"


def make_celery() -> Celery:
    url = broker_url()
    app = Celery("oms", include=["oms.tasks.jobs"])
    app.conf.update(
        broker_url=url or "memory://",
        result_backend="rpc://" if url else None,
        task_always_eager=url is None,  # the embedded default: tasks run in the calling process
        task_eager_propagates=True,
        task_acks_late=True,  # acknowledged when done: a worker that dies mid-task leaves it to another
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a wave is long: never hold a second one while running the first
        task_default_queue=os.environ.get(QUEUE_ENV) or DEFAULT_QUEUE,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_expires=3600,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        enable_utc=True,
    )
    return app


celery_app = make_celery()
_clients: dict[tuple[str | None, str | None], Celery] = {}


def client() -> Celery:
    """A Celery app for sending tasks under the current settings (``celery_app`` keeps those at import)."""
    key = (broker_url(), os.environ.get(QUEUE_ENV))
    if key == (celery_app.conf.broker_url, celery_app.conf.task_default_queue):
        return celery_app
    if key not in _clients:
        _clients[key] = make_celery()
    return _clients[key]


__all__ = ["BROKER_ENV", "celery_app", "client", "make_celery"]
