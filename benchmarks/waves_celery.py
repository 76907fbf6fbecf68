"""Throughput of waves on Celery workers: ``python -m benchmarks.waves_celery [--orders N] [--workers 1,2]``.

Needs RabbitMQ (``OMS_TEST_BROKER``, default amqp://guest:guest@127.0.0.1:5672//)
and PostgreSQL (``OMS_TEST_PG``).  Per worker count: a fresh database with the
``scarce`` preset's network, its orders split over two batch channels and
placed (intake only records them), then one wave task per channel at a time
until nothing waits; orders sourced per second from the first task sent to
the last order written.  Each run uses its own queue and database.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from benchmarks.generator import generate, network_to_dict, order_to_dict
from benchmarks.oms_throughput import drop_database, fresh_database
from oms.adapters import tables as t
from oms.adapters.database import Database
from oms.adapters.migrate import upgrade
from oms.service.app import Oms
from oms.service.catalog import load_network
from oms.service.orders import place_order
from oms.tasks.celery_app import make_celery

BROKER = os.environ.get("OMS_TEST_BROKER", "amqp://guest:guest@127.0.0.1:5672//")
PG_ADMIN = os.environ.get("OMS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
CHANNELS = ("b1", "b2")
ROOT = Path(__file__).resolve().parents[1]


def prepare(app: Oms, orders: int, wave_size: int) -> int:
    instance = generate("scarce", 1, orders)
    doc = network_to_dict(instance.network)
    wave = {"interval_seconds": 60, "max_size": wave_size}
    doc["channels"] = [{"code": c, "sources": "*", "sourcing_mode": "batch", "wave": wave} for c in CHANNELS]
    load_network(app, doc)
    batch = 0
    for i, order in enumerate(instance.orders):
        if order.delivery.method == "pickup":
            continue  # pickup orders are sourced at intake (MOM), not in waves
        place_order(app, {**order_to_dict(order), "channel": CHANNELS[i % 2]})
        batch += 1
    return batch


def waiting(app: Oms) -> int:
    with app.db.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(t.orders).where(t.orders.c.status == "NEW")) or 0


def run_once(orders: int, workers: int, wave_size: int) -> dict[str, Any]:
    queue = f"oms-bench-{uuid.uuid4().hex[:10]}"
    url, name = fresh_database("postgresql", Path("."), PG_ADMIN)
    try:
        db = Database(url)
        upgrade(db)
        db.dispose()
        app = Oms.connect(url)
        placed = prepare(app, orders, wave_size)
        env = {**os.environ, "OMS_BROKER_URL": BROKER, "OMS_DATABASE_URL": url, "OMS_TASK_QUEUE": queue}
        os.environ.update({"OMS_BROKER_URL": BROKER, "OMS_TASK_QUEUE": queue})
        client = make_celery()
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "api", "worker", "--pool", "solo", "--name", f"b{n}-{queue}@localhost"],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for n in range(workers)
        ]
        try:
            time.sleep(3)  # let the workers connect before the clock starts
            started = time.perf_counter()
            waves = 0
            while waiting(app):
                results = [client.send_task("oms.waves.channel", args=[c], queue=queue) for c in CHANNELS]
                waves += sum(1 for r in results if r.get(timeout=600)["status"] == "done")
            seconds = time.perf_counter() - started
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=30)
            with client.connection_for_write() as conn:
                conn.default_channel.queue_delete(queue)
            app.db.dispose()
    finally:
        drop_database(name, PG_ADMIN)
    return {
        "workers": workers,
        "orders": placed,
        "waves": waves,
        "seconds": round(seconds, 2),
        "orders_per_s": round(placed / seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--wave-size", type=int, default=100)
    args = parser.parse_args()
    for workers in (int(w) for w in args.workers.split(",")):
        print(json.dumps(run_once(args.orders, workers, args.wave_size)), flush=True)


if __name__ == "__main__":
    main()
