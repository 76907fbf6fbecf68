"""The relay: claims due outbox rows, delivers each to its targets, settles it (delivered, retry later, dead).

An event's targets are the customer's e-mail (when the event sends a
message and the order has an address) and every active webhook subscribed
to its type and channel.  A target reached once is not sent the event again
when another target's failure makes the row retry: delivery is at least
once per target, and every delivery carries the event's id so that a
receiver can drop the duplicates a crash may cause.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from oms.adapters import tables as t
from oms.errors import NotFound
from oms.relay import store
from oms.relay.magento import magento_state
from oms.relay.messages import Renderer, message_for
from oms.relay.senders import SmtpSender, SmtpSettings, WebhookSender
from oms.relay.store import OutboxEvent
from oms.service.app import Oms
from oms.service.views import order_view

Send = Callable[[], None]


@dataclass(frozen=True, slots=True)
class RelaySettings:
    batch: int = 50
    lease: timedelta = timedelta(seconds=60)
    max_attempts: int = 8
    base_delay: float = 2.0  # seconds before the first retry; doubled with each further attempt
    poll: float = 1.0  # seconds between looks at an empty outbox
    template_dir: str | None = None


@dataclass(slots=True)
class Counts:
    delivered: int = 0
    retrying: int = 0
    dead: int = 0
    outcomes: dict[int, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, int]:
        return {"delivered": self.delivered, "retrying": self.retrying, "dead": self.dead}


class Relay:
    def __init__(self, app: Oms, settings: RelaySettings | None = None, smtp: SmtpSettings | None = None) -> None:
        self.app = app
        self.settings = settings or RelaySettings()
        self.smtp = SmtpSender(smtp) if smtp is not None else None
        self.webhooks = WebhookSender()
        self.renderer = Renderer(self.settings.template_dir or os.environ.get("OMS_TEMPLATE_DIR"))
        self.name = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"[:100]

    def run_once(self) -> Counts:
        """Deliver every row due now, a batch at a time, then return."""
        counts = Counts()
        while True:
            now = self.app.clock()
            events = store.claim(self.app.db, self.name, now, self.settings.lease, self.settings.batch)
            if not events:
                return counts
            for event in events:
                self._settle(event, self.deliver(event), counts)

    def run(self, stop: threading.Event) -> Counts:
        """Deliver until ``stop`` is set, looking again every ``poll`` seconds when nothing is due."""
        total = Counts()
        while not stop.is_set():
            counts = self.run_once()
            total.delivered, total.retrying = total.delivered + counts.delivered, total.retrying + counts.retrying
            total.dead += counts.dead
            if not (counts.delivered or counts.retrying or counts.dead):
                stop.wait(self.settings.poll)
        return total

    def close(self) -> None:
        self.webhooks.close()

    def _settle(self, event: OutboxEvent, problem: str | None, counts: Counts) -> None:
        s = self.settings
        outcome = store.settle(self.app.db, event, problem, self.app.clock(), s.max_attempts, s.base_delay)
        counts.outcomes[event.id] = outcome
        if outcome == "delivered":
            counts.delivered += 1
        elif outcome == "dead":
            counts.dead += 1
        else:
            counts.retrying += 1

    def deliver(self, event: OutboxEvent) -> str | None:
        """Send ``event`` to every target not reached yet; the problems met, or None when all were reached."""
        try:
            targets = self.targets(event)
        except Exception as err:  # a template or a lookup failing: the row retries, then goes to the dead letters
            return f"cannot prepare the deliveries: {err.__class__.__name__}: {err}"
        done = store.delivered_targets(self.app.db, event.id)
        problems = []
        for target, send in targets:
            if target in done:
                continue
            started = time.perf_counter()
            problem = None
            try:
                send()
            except Exception as err:  # any failure of the far side is one failed attempt, logged, never fatal
                problem = f"{err.__class__.__name__}: {err}"[:2000]
                problems.append(f"{target}: {problem}")
            ms = (time.perf_counter() - started) * 1000
            store.log_attempt(self.app.db, event.id, target, event.attempts + 1, problem, ms, self.app.clock())
        return "; ".join(problems)[:4000] or None

    def targets(self, event: OutboxEvent) -> list[tuple[str, Send]]:
        payload = event.payload if isinstance(event.payload, dict) else {}
        channel, number = payload.get("channel"), payload.get("order_id")
        order = self._order(number, channel)
        found: list[tuple[str, Send]] = []
        name = message_for(event.topic, payload, order)
        if name is not None and order is not None and self.smtp is not None:
            request = _request(order, payload.get("request_id"))
            message = self.renderer.render(name, order, {"entity": event.topic.split(".")[0], **payload}, request)
            if message.to:
                smtp = self.smtp
                found.append((f"email:{name}:{message.to}", lambda: smtp.send(message, event.id)))
        body = {**event.as_json(), "magento_state": magento_state(*_status(order))}
        raw = json.dumps(body, separators=(",", ":"), default=str).encode()
        for hook in self._subscribers(event.topic, channel):
            found.append(
                (
                    f"webhook:{hook.id}",
                    lambda hook=hook: self.webhooks.send(hook.url, hook.secret, raw, event.id, event.topic),
                )
            )
        return found

    def _order(self, number: Any, channel: Any) -> dict[str, Any] | None:
        if not isinstance(number, str) or not isinstance(channel, str):
            return None
        try:
            return order_view(self.app, number, channel)
        except NotFound:
            return None

    def _subscribers(self, topic: str, channel: Any) -> list[Any]:
        w = t.webhooks.c
        with self.app.db.engine.connect() as conn:
            rows = conn.execute(select(t.webhooks).where(w.active.is_(True)).order_by(w.id)).all()
        return [
            r for r in rows if (r.channel is None or r.channel == channel) and ("*" in r.events or topic in r.events)
        ]


def _request(order: dict[str, Any], request_id: Any) -> dict[str, Any] | None:
    for request in order.get("shipment_requests", []):
        if str(request["request_id"]) == str(request_id):
            return request
    return None


def _status(order: dict[str, Any] | None) -> tuple[str | None, str | None]:
    return (order["status"], order["reason"]) if order is not None else (None, None)
