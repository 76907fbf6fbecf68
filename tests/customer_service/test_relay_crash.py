"""A relay killed mid-batch loses nothing; relays running at once never take the same row."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from oms.relay.relay import Relay, RelaySettings
from oms.service.app import Oms
from oms.service.catalog import load_network
from oms.service.orders import place_order
from oms.service.webhooks import add_webhook
from tests.customer_service.receivers import HttpReceiver
from tests.customer_service.test_relay import SECRET, outbox_ids
from tests.oms.builders import network, order
from tests.oms.databases import database
from tests.oms.fakes import FakeRules


def _shop(url: str, receiver: HttpReceiver, orders: int) -> Oms:
    app = Oms.connect(url, rules=FakeRules())
    load_network(app, network({("WH1", "A"): 1000}))
    add_webhook(app, receiver.url, ["*"], SECRET)
    for i in range(orders):
        place_order(app, order(f"O{i}", ("A", 1)))
    return app


def _relay(url: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "OMS_DATABASE_URL": url}
    env.pop("OMS_SMTP_HOST", None)
    command = [sys.executable, "-m", "api", "relay", "--lease", "1", "--poll", "0.05", "--batch", "10", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_a_relay_killed_mid_batch_then_restarted_delivers_every_event(tmp_path: Path) -> None:
    with database("sqlite", tmp_path) as url, HttpReceiver(delay=0.05) as receiver:
        app = _shop(url, receiver, 10)
        events = outbox_ids(app)
        first = _relay(url)
        deadline = time.monotonic() + 60
        while len(receiver.received) < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        assert 5 <= len(receiver.received) < len(events)  # killed in the middle
        time.sleep(1.1)  # the dead relay's lease runs out
        second = _relay(url, "--once")
        _, err = second.communicate(timeout=120)
        assert second.returncode == 0, err
        delivered = {json.loads(body)["id"] for _, body in receiver.received}
        assert delivered == set(events)
        assert outbox_ids(app, published=False) == []
        app.db.dispose()


def test_two_relays_at_once_on_postgresql_deliver_each_event_exactly_once(tmp_path: Path) -> None:
    with database("postgresql", tmp_path) as url, HttpReceiver(delay=0.01) as receiver:
        app = _shop(url, receiver, 15)
        workers = [Relay(app, RelaySettings(batch=5)) for _ in range(2)]
        threads = [threading.Thread(target=w.run_once) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        ids = sorted(json.loads(body)["id"] for _, body in receiver.received)
        assert ids == outbox_ids(app)  # each once: no row was claimed by both
        for w in workers:
            w.close()
        app.db.dispose()
