"""``oms worker`` and ``oms scheduler``: the Celery worker and beat, on the broker at ``OMS_BROKER_URL``."""

from __future__ import annotations

import click

from api.cli.backend import open_oms
from api.cli.inputs import fail
from oms.service.background import BROKER_ENV, broker_url


def _need_broker() -> None:
    if broker_url() is None:
        fail(f"{BROKER_ENV} is not set: without a broker tasks run in the calling process and need no worker")


@click.command("worker")
@click.option("--concurrency", type=click.IntRange(min=1, max=256), default=None, help="Processes (default: CPUs).")
@click.option("--pool", type=click.Choice(["prefork", "solo", "threads"]), default="prefork", show_default=True)
@click.option("--name", default=None, help="Node name (default: oms-<pid>@<host>).")
@click.option("--loglevel", type=click.Choice(["debug", "info", "warning", "error"]), default="info")
def worker(concurrency: int | None, pool: str, name: str | None, loglevel: str) -> None:
    """Run a worker: waves, restock re-allocation and re-sourcing, from the queue OMS_TASK_QUEUE (default oms)."""
    _need_broker()
    open_oms()  # refuse a database that is not up to date before taking any task
    from oms.tasks import celery_app

    argv = ["worker", "--loglevel", loglevel, "--pool", pool, "-Q", celery_app.conf.task_default_queue]
    argv += ["--concurrency", str(concurrency)] if concurrency else []
    argv += ["--hostname", name] if name else []
    celery_app.worker_main(argv)


@click.command("scheduler")
@click.option("--schedule-file", default="oms-beat-schedule", show_default=True, help="Where beat keeps its state.")
@click.option("--loglevel", type=click.Choice(["debug", "info", "warning", "error"]), default="info")
def scheduler(schedule_file: str, loglevel: str) -> None:
    """Run Celery beat: each batch channel's wave at its interval (restart it after changing wave settings)."""
    _need_broker()
    from oms.tasks import beat_schedule, celery_app

    schedule = beat_schedule(open_oms())
    if not schedule:
        fail('no batch channel to schedule: load channels with "sourcing_mode": "batch"')
    for entry, spec in schedule.items():
        click.echo(f"{entry}: every {spec['schedule'].total_seconds():.0f} s", err=True)
    celery_app.conf.beat_schedule = schedule
    celery_app.start(["beat", "--loglevel", loglevel, "--schedule", schedule_file])
