"""The relay, end to end: orders placed, shipped and cancelled reach a local SMTP server and a webhook receiver."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from oms.adapters import tables as t
from oms.relay import store
from oms.relay.relay import Relay, RelaySettings
from oms.relay.senders import SmtpSettings, verify
from oms.service.app import Oms
from oms.service.catalog import load_network
from oms.service.fulfillment import acknowledge, pack, pick, ship
from oms.service.orders import cancel_order, place_order
from oms.service.views import order_view
from oms.service.webhooks import add_webhook
from tests.customer_service.receivers import HttpReceiver, SmtpReceiver
from tests.oms.builders import network, order

SECRET = "s3cret-s3cret-s3cret"
ZOE = {"first_name": "Zoë", "last_name": "Müller", "email": "zoe@example.com"}


@pytest.fixture
def receivers() -> Iterator[tuple[SmtpReceiver, HttpReceiver]]:
    with SmtpReceiver() as smtp, HttpReceiver() as http:
        yield smtp, http


def relay_for(app: Oms, smtp: SmtpReceiver, **settings: object) -> Relay:
    return Relay(app, RelaySettings(**{"base_delay": 0.0, **settings}), SmtpSettings("127.0.0.1", smtp.port))


def outbox_ids(app: Oms, published: bool | None = None) -> list[int]:
    x = t.outbox.c
    stmt = select(x.id).order_by(x.id)
    if published is not None:
        stmt = stmt.where(x.published_at.is_not(None) if published else x.published_at.is_(None))
    with app.db.engine.connect() as conn:
        return list(conn.execute(stmt).scalars())


def test_placed_shipped_and_cancelled_orders_reach_the_customer_and_a_signed_webhook(app: Oms, receivers) -> None:
    smtp, http = receivers
    load_network(app, network({("WH1", "A"): 5}))
    add_webhook(app, http.url, ["*"], SECRET)
    place_order(app, order("O1", ("A", 2), customer=ZOE))
    place_order(app, order("O2", ("A", 1), customer=ZOE))
    request = order_view(app, "O1", "web")["shipment_requests"][0]["request_id"]
    for step in (acknowledge, pick, pack):
        step(app, request)
    ship(app, request, "DHL", "JJD0001")
    cancel_order(app, "O2", None, "web", "CUSTOMERREQ")
    worker = relay_for(app, smtp)
    counts = worker.run_once()
    worker.close()
    assert counts.dead == counts.retrying == 0 and outbox_ids(app, published=False) == []
    subjects = sorted(m["Subject"] for m in smtp.messages)
    assert subjects == [
        "A refund on your order O2",  # what was paid for the cancelled units goes back
        "Your order O1",
        "Your order O1 is on its way",
        "Your order O2",
        "Your order O2: cancellation",
    ]
    shipped = next(m for m in smtp.messages if "on its way" in m["Subject"])
    assert "JJD0001" in shipped.get_body(("plain",)).get_content()
    assert "<strong>JJD0001</strong>" in shipped.get_body(("html",)).get_content()
    bodies = []
    for headers, body in http.received:
        assert verify(SECRET, body, headers["X-OMS-Signature"])
        assert not verify("another-secret-entirely", body, headers["X-OMS-Signature"])
        bodies.append(json.loads(body))
    assert sorted(b["id"] for b in bodies) == outbox_ids(app)  # every event, once
    last = {b["data"]["order_id"]: b["magento_state"] for b in bodies if b["type"] == "order.status_changed"}
    assert last == {"O1": "complete", "O2": "canceled"}
    assert worker.run_once().delivered == 0  # nothing twice
    sent = [(e["to"], e["note"]) for e in order_view(app, "O2", "web")["timeline"] if e["entity"] == "message"]
    assert sorted(sent) == [
        ("order_cancelled", "zoe@example.com"),
        ("order_confirmation", "zoe@example.com"),
        ("refund_released", "zoe@example.com"),
    ]


def test_a_receiver_down_for_a_while_gets_everything_once_it_is_back(app: Oms, receivers, clock) -> None:
    smtp, http = receivers
    load_network(app, network({("WH1", "A"): 5}))
    add_webhook(app, http.url, ["order.created"], SECRET, channel="web")
    place_order(app, order("O1", ("A", 1)))
    http.status = 503
    worker = relay_for(app, smtp, base_delay=60.0)
    assert worker.run_once().retrying >= 1
    http.status = 200
    assert worker.run_once().delivered == 0  # not due yet: the backoff holds
    clock.advance(seconds=61)
    assert worker.run_once().retrying == 0
    assert [json.loads(b)["type"] for _, b in http.received] == ["order.created"]
    assert outbox_ids(app, published=False) == []


def test_an_event_that_fails_every_attempt_is_a_dead_letter_until_retried(app: Oms, receivers) -> None:
    smtp, http = receivers
    load_network(app, network({("WH1", "A"): 5}))
    add_webhook(app, http.url, ["order.created"], SECRET)
    place_order(app, order("O1", ("A", 1)))
    http.status = 500
    worker = relay_for(app, smtp, max_attempts=3)
    counts = worker.run_once()
    assert counts.dead == 1
    [dead] = store.listing(app.db, dead=True)
    assert dead["type"] == "order.created" and dead["attempts"] == 3 and "HTTP 500" in dead["last_error"]
    assert [a["ok"] for a in store.attempts_of(app.db, dead["id"])] == [False, False, False]
    http.status = 200
    assert store.retry(app.db, dead["id"]) and not store.retry(app.db, dead["id"])
    assert worker.run_once().delivered == 1
    assert store.listing(app.db, dead=True) == [] and len(http.received) == 1
    with app.db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.deliveries)).scalar() == 4
