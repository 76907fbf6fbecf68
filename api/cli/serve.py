"""``oms serve``: the HTTP API under gunicorn (one process per worker, each with its own connection pool)."""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

import click

from api.cli.backend import open_oms
from api.cli.inputs import fail


@click.command("serve")
@click.option("--bind", default=None, help="Address to listen on [default: OMS_BIND or 127.0.0.1:8000].")
@click.option(
    "--workers", type=click.IntRange(1, 64), default=None, help="Worker processes [default: OMS_WORKERS or 2]."
)
def serve(bind: str | None, workers: int | None) -> None:
    """Serve the HTTP API (docs/api.md) on the database named by OMS_DATABASE_URL."""
    metrics_dir = _metrics_dir()  # before the metrics are defined, so that every worker writes to it
    try:
        _serve(bind, workers)
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _serve(bind: str | None, workers: int | None) -> None:
    from gunicorn.app.base import BaseApplication

    from api.http.config import ConfigError, load_settings

    try:
        settings = load_settings({k: v for k, v in {"OMS_BIND": bind, "OMS_WORKERS": workers}.items() if v is not None})
    except ConfigError as err:
        fail(str(err))
    open_oms().db.dispose()  # fail now, in one line, when the database is unreachable or not migrated
    os.environ["OMS_BIND"] = settings["OMS_BIND"]  # the workers' create_app reads it (/metrics on loopback)

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": settings["OMS_BIND"],
                "workers": settings["OMS_WORKERS"],
                "worker_class": "sync",
                "accesslog": None,  # the application writes JSON access lines itself
                "errorlog": "-",
                "timeout": 60,
                "graceful_timeout": 20,
                "child_exit": _child_exit,
                "control_socket_disable": True,  # several servers may run on one machine
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from api.http import create_app

            return create_app()

    click.echo(
        f"serving the OMS API on http://{settings['OMS_BIND']} with {settings['OMS_WORKERS']} worker(s)", err=True
    )
    Server().run()


def _metrics_dir() -> str | None:
    """Prometheus multiprocess mode: each worker writes its samples here; /metrics sums them."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return None
    path = tempfile.mkdtemp(prefix="oms-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
    return path


def _child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
