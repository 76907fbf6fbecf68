"""Webhook subscriptions: a URL, the event types it wants (or "*"), a channel (or all) and a signing secret."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import insert, select

from oms.adapters import tables as t
from oms.errors import FieldError, InvalidInput
from oms.limits import MAX_CODE, check_text
from oms.service.app import Oms, transact
from oms.service.unit_of_work import UnitOfWork

MAX_URL = 2048
MAX_EVENTS = 50
SECRET_LENGTH = (16, 200)


def add_webhook(app: Oms, url: Any, events: Any, secret: Any, channel: Any = None) -> dict[str, Any]:
    """Subscribe ``url``; the secret signs every delivery (it is not shown again)."""
    _check(url, events, secret, channel)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        row = {"url": url, "events": sorted(set(events)), "secret": secret, "channel": channel, "active": True}
        new_id = uow.session.execute(
            insert(t.webhooks).values(**row, created_at=uow.now).returning(t.webhooks.c.id)
        ).scalar_one()
        uow.commit()
        return {"webhook_id": new_id, "url": url, "events": row["events"], "channel": channel}

    return transact(app, work)


def list_webhooks(app: Oms) -> list[dict[str, Any]]:
    def read(uow: UnitOfWork) -> list[dict[str, Any]]:
        rows = uow.session.execute(select(t.webhooks).order_by(t.webhooks.c.id))
        return [
            {"webhook_id": r.id, "url": r.url, "events": r.events, "channel": r.channel, "active": r.active}
            for r in rows
        ]

    return transact(app, read, readonly=True)


def _check(url: Any, events: Any, secret: Any, channel: Any) -> None:
    errors: list[FieldError] = []
    check_text(errors, "url", url, MAX_URL)
    if isinstance(url, str) and not errors:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            errors.append(FieldError("url", "must be an http:// or https:// URL"))
    if not isinstance(events, list) or not 1 <= len(events) <= MAX_EVENTS:
        errors.append(FieldError("events", f'must be a list of 1 to {MAX_EVENTS} event types (or ["*"])'))
    else:
        for i, event in enumerate(events):
            check_text(errors, f"events[{i}]", event, 64)
    low, high = SECRET_LENGTH
    if not isinstance(secret, str) or not low <= len(secret) <= high:
        errors.append(FieldError("secret", f"must be a string of {low} to {high} characters"))
    else:
        check_text(errors, "secret", secret, high)
    check_text(errors, "channel", channel, MAX_CODE)
    if errors:
        raise InvalidInput(errors)
