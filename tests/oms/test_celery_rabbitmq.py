"""Waves on Celery workers through RabbitMQ, against PostgreSQL: concurrency, and a worker killed mid-wave.

These need RabbitMQ at 127.0.0.1:5672 (guest/guest) and PostgreSQL; they skip
without them, and fail under CI (``CI=true``), where both must run.  Each run
uses its own queue, so concurrent runs on one broker do not meet.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from oms.adapters.wave_tables import wave_orders, waves
from oms.service.app import Oms
from oms.service.catalog import load_network
from oms.service.orders import place_order
from oms.service.views import order_view
from oms.tasks.celery_app import make_celery
from tests.oms.builders import network, order
from tests.oms.databases import postgres_database
from tests.oms.fakes import FakeRules
from tests.oms.invariants import check_invariants

BROKER = os.environ.get("OMS_TEST_BROKER", "amqp://guest:guest@127.0.0.1:5672//")
ROOT = Path(__file__).resolve().parents[2]


def require_rabbitmq() -> None:
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=3).close()
    except OSError as err:
        if os.environ.get("CI") == "true":
            pytest.fail(f"RabbitMQ is required under CI but unreachable at 127.0.0.1:5672: {err}")
        pytest.skip(f"no RabbitMQ at 127.0.0.1:5672 ({err}); these tests need one")


class Cluster:
    """Worker processes and a client on one queue of their own."""

    def __init__(self, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.queue = f"oms-test-{uuid.uuid4().hex[:12]}"
        self.env = {
            **os.environ,
            "OMS_BROKER_URL": BROKER,
            "OMS_DATABASE_URL": url,
            "OMS_TASK_QUEUE": self.queue,
            "OMS_WAVE_WRITE_BATCH": "2",  # many small transactions: a wide window to kill a worker mid-wave
        }
        self.tmp_path = tmp_path
        self.workers: list[subprocess.Popen] = []
        monkeypatch.setenv("OMS_BROKER_URL", BROKER)
        monkeypatch.setenv("OMS_TASK_QUEUE", self.queue)
        self.client = make_celery()

    def start_worker(self) -> subprocess.Popen:
        n = len(self.workers) + 1
        log = open(self.tmp_path / f"worker{n}.log", "w")  # noqa: SIM115 - closed with the process
        cmd = [sys.executable, "-m", "api", "worker", "--pool", "prefork", "--concurrency", "1"]
        cmd += ["--name", f"w{n}-{self.queue}@localhost", "--loglevel", "info"]
        proc = subprocess.Popen(cmd, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        self.workers.append(proc)
        return proc

    def send(self, channel: str):  # type: ignore[no-untyped-def]
        return self.client.send_task("oms.waves.channel", args=[channel], queue=self.queue)

    def close(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.workers:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        with self.client.connection_for_write() as conn:
            conn.default_channel.queue_delete(self.queue)


@pytest.fixture
def cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Oms, Cluster]]:
    require_rabbitmq()
    with postgres_database() as url:
        app = Oms.connect(url, rules=FakeRules())
        group = Cluster(url, tmp_path, monkeypatch)
        try:
            yield app, group
        finally:
            group.close()
            app.db.dispose()


def batch(code: str) -> dict:
    return {"code": code, "sources": "*", "sourcing_mode": "batch", "wave": {"interval_seconds": 60, "max_size": 500}}


def test_two_workers_run_two_channels_waves_while_orders_keep_coming_and_nothing_is_oversold(cluster):
    app, group = cluster
    stock = {("WH1", "A"): 25, ("WH2", "A"): 25, ("WH1", "C"): 10, ("ST1", "A"): 10}
    load_network(app, network(stock, channels=[batch("web"), batch("shop"), {"code": "direct", "sources": "*"}]))
    for _ in range(2):
        group.start_worker()
    placed: list[str] = []

    def intake(channel: str, prefix: str) -> None:
        for i in range(30):
            number = f"{prefix}{i}"
            place_order(app, order(number, ("A", 1 + i % 2), ("C", 1), channel=channel))
            placed.append(number)

    threads = [threading.Thread(target=intake, args=(c, p)) for c, p in (("web", "W"), ("shop", "S"), ("direct", "D"))]
    for thread in threads:
        thread.start()
    sent = []
    while any(t.is_alive() for t in threads):
        sent += [group.send("web"), group.send("shop")]
        time.sleep(0.4)
    for thread in threads:
        thread.join()
    results = [r.get(timeout=180) for r in sent]
    for _ in range(10):  # until both channels have nothing left (a wave may still have been running)
        final = [group.send(c).get(timeout=180) for c in ("web", "shop")]
        results += final
        if all(r["status"] == "empty" for r in final):
            break
    assert len(placed) == 90
    assert {r["status"] for r in results} <= {"done", "empty", "busy"}
    assert any(r["status"] == "done" for r in results)
    for number in placed:
        view = order_view(app, number)
        assert view["status"] != "NEW" or number.startswith("D"), (number, view["status"])
    with app.db.engine.connect() as conn:
        applied = conn.execute(
            select(wave_orders.c.order_id, func.count())
            .join(waves, waves.c.id == wave_orders.c.wave_id)
            .where(wave_orders.c.applied, waves.c.kind == "channel")
            .group_by(wave_orders.c.order_id)
        ).all()
    assert all(count == 1 for _, count in applied)  # each batch order written by one channel wave only
    assert len(applied) == 60  # the stock loaded before the workers started may also re-allocate backorders
    check_invariants(app)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def test_a_worker_killed_mid_wave_is_redelivered_and_the_wave_completes_exactly_once(cluster):
    app, group = cluster
    load_network(app, network({("WH1", "A"): 500, ("WH2", "A"): 500}, channels=[batch("web")]))
    total = 80
    for i in range(total):
        place_order(app, order(f"O{i}", ("A", 1 + i % 3)))
    first = group.start_worker()
    group.send("web")
    killed = None
    deadline = time.monotonic() + 120
    while killed is None and time.monotonic() < deadline:
        with app.db.engine.connect() as conn:
            done = conn.scalar(select(func.count()).select_from(wave_orders).where(wave_orders.c.applied))
        if done and done < total - 10:
            [child] = _children(first.pid)
            os.kill(child, signal.SIGKILL)
            killed = done
        time.sleep(0.02)
    assert killed, "the wave never started writing"
    group.start_worker()
    while time.monotonic() < deadline:
        with app.db.engine.connect() as conn:
            statuses = conn.execute(select(waves.c.status)).scalars().all()
        if statuses == ["done"]:
            break
        time.sleep(0.2)
    with app.db.engine.connect() as conn:
        assert conn.execute(select(waves.c.status)).scalars().all() == ["done"]  # one wave, resumed, finished
        applied = conn.scalar(select(func.count()).select_from(wave_orders).where(wave_orders.c.applied))
    assert applied == total
    for i in range(total):
        view = order_view(app, f"O{i}")
        assert view["lines"][0]["units"] == {"ALLOCATEDSHIP": 1 + i % 3}, view["lines"][0]["units"]
        allocations = [e for e in view["timeline"] if e["entity"] == "line" and e["to"] == "ALLOCATEDSHIP"]
        assert len(allocations) == 1  # sourced exactly once
    check_invariants(app)
