"""404 before anything else for an order of a channel the caller may not see (before its body is even read)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from api.http.auth import not_found_unless_seen

F = TypeVar("F", bound=Callable[..., Any])


def order_in_view(view: F) -> F:
    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        channel, order_id = kwargs["channel"], kwargs["order_id"]
        not_found_unless_seen(channel, f"order {order_id!r} in channel {channel!r}")
        return view(*args, **kwargs)

    return checked  # type: ignore[return-value]
