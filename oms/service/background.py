"""Work that may run in the background: in this process, or on Celery workers when a broker is set.

``OMS_BROKER_URL`` unset (the embedded default): the handler runs here and
now, and its result is returned.  Set: the work is sent to the broker as a
task and ``None``/``0`` tells the caller it was queued.
"""

from __future__ import annotations

import os

from oms.service.app import Oms
from oms.service.waves import reallocate_after_restock

BROKER_ENV = "OMS_BROKER_URL"


def broker_url() -> str | None:
    return os.environ.get(BROKER_ENV) or None


def restocked(app: Oms, skus: set[str]) -> int:
    """Stock grew for ``skus``: the waiting backorders for them are re-allocated as waves."""
    if broker_url() is None:
        return reallocate_after_restock(app, skus)
    from oms.tasks.celery_app import client  # Celery is only needed when there is a broker

    client().send_task("oms.waves.restock", args=[sorted(skus)])
    return 0
