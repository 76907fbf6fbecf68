"""``oms relay``, ``oms outbox list|retry|log`` and ``oms webhooks add|list``: delivering the outbox."""

from __future__ import annotations

import signal
import threading
from datetime import timedelta

import click

from api.cli.backend import emit, json_option, open_oms, reported
from api.cli.inputs import fail
from oms.relay import store
from oms.relay.relay import Relay, RelaySettings
from oms.relay.senders import SmtpSettings
from oms.service.webhooks import add_webhook, list_webhooks


@click.command("relay")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit (default: run until stopped).")
@click.option("--batch", default=50, show_default=True, type=click.IntRange(1, 1000), help="Rows claimed at a time.")
@click.option(
    "--lease", default=60.0, show_default=True, type=click.FloatRange(0.1, 3600), help="Seconds a claim lasts."
)
@click.option("--max-attempts", default=8, show_default=True, type=click.IntRange(1, 100), help="Then a dead letter.")
@click.option(
    "--backoff", default=2.0, show_default=True, type=click.FloatRange(0.0, 3600), help="First retry after (s)."
)
@click.option("--poll", default=1.0, show_default=True, type=click.FloatRange(0.01, 60), help="Seconds between looks.")
@json_option
def relay(once: bool, batch: int, lease: float, max_attempts: int, backoff: float, poll: float, as_json: bool) -> None:
    """Deliver the outbox: e-mails over SMTP (OMS_SMTP_*) and webhooks; SIGTERM or Ctrl-C stops it cleanly."""
    app = open_oms()
    settings = RelaySettings(batch, timedelta(seconds=lease), max_attempts, backoff, poll)
    worker = Relay(app, settings, SmtpSettings.from_env())
    try:
        with reported():
            if once:
                counts = worker.run_once()
            else:
                stop = threading.Event()
                signal.signal(signal.SIGTERM, lambda *_: stop.set())
                try:
                    counts = worker.run(stop)
                except KeyboardInterrupt:
                    return
    finally:
        worker.close()
    if as_json:
        emit(counts.as_json())
    else:
        click.echo(f"{counts.delivered} delivered, {counts.retrying} to retry, {counts.dead} dead")


@click.group("outbox")
def outbox() -> None:
    """Events waiting for delivery, and dead letters."""


@outbox.command("list")
@click.option("--dead", is_flag=True, help="Dead letters (events that failed every attempt).")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10_000))
@json_option
def list_events(dead: bool, limit: int, as_json: bool) -> None:
    """Events not delivered yet, oldest first (or the dead letters)."""
    app = open_oms()
    with reported():
        rows = store.listing(app.db, dead, limit)
    if as_json:
        emit({"items": rows})
        return
    if not rows:
        click.echo("no dead letters" if dead else "nothing waiting")
    for r in rows:
        click.echo(f"{r['id']}  {r['type']}  {r['key']}  attempts {r['attempts']}  {r['last_error'] or ''}")


@outbox.command("retry")
@click.argument("event_id", type=click.IntRange(1, 2**31 - 1))
def retry(event_id: int) -> None:
    """Give a dead letter a fresh set of attempts."""
    app = open_oms()
    with reported():
        if not store.retry(app.db, event_id):
            fail(f"event {event_id} is not a dead letter")
    click.echo(f"event {event_id}: will be delivered again")


@outbox.command("log")
@click.argument("event_id", type=click.IntRange(1, 2**31 - 1))
@json_option
def log(event_id: int, as_json: bool) -> None:
    """Every delivery attempt of one event."""
    app = open_oms()
    with reported():
        rows = store.attempts_of(app.db, event_id)
    if as_json:
        emit({"items": rows})
        return
    for r in rows:
        click.echo(f"{r['at']}  {r['target']}  attempt {r['attempt']}  {'ok' if r['ok'] else r['detail']}")


@click.group("webhooks")
def webhooks() -> None:
    """Webhook subscriptions."""


@webhooks.command("add")
@click.argument("url")
@click.option("--event", "events", multiple=True, required=True, help="Event type wanted (repeatable; * for all).")
@click.option("--secret", required=True, help="Signing secret, 16 to 200 characters.")
@click.option("--channel", default=None, help="Only this sales channel's events.")
@json_option
def add(url: str, events: tuple[str, ...], secret: str, channel: str | None, as_json: bool) -> None:
    """Subscribe a URL to events."""
    app = open_oms()
    with reported():
        added = add_webhook(app, url, list(events), secret, channel)
    if as_json:
        emit(added)
    else:
        click.echo(f"webhook {added['webhook_id']}: {url}")


@webhooks.command("list")
@json_option
def list_hooks(as_json: bool) -> None:
    """Every subscription (secrets are not shown)."""
    app = open_oms()
    found = list_webhooks(app)
    if as_json:
        emit({"items": found})
        return
    for w in found:
        click.echo(f"{w['webhook_id']}  {w['url']}  {','.join(w['events'])}  {w['channel'] or '*'}")
