"""A key limited to channels plans only orders of its channels (404 for another's, as if it did not exist)."""

from __future__ import annotations

from typing import Any

from api.http.auth import not_found_unless_seen


def order_channel_seen(order: Any) -> None:
    channel = order.get("channel") if isinstance(order, dict) else None
    if isinstance(channel, str):
        not_found_unless_seen(channel, f"channel {channel!r}")
