"""Who is signed in to the admin pages, what their role lets them open, and which channels they see.

Roles are the API's (``oms.service.keys.ROLES``) with the same meaning:
``admin`` may do everything, ``readonly`` may read (GET) every page, and a
page names the other roles it serves with ``@admin_required(...)``.  A user
limited to channels sees the orders of those channels only, like an API key
with a channel limit; another channel's order answers 404, not 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import abort, current_app, g, redirect, request, session, url_for

from api.http.extensions import current_oms
from oms.domain.users import User
from oms.service.keys import ROLES
from oms.service.users import active_user

F = TypeVar("F", bound=Callable[..., Any])
READ_METHODS = frozenset({"GET", "HEAD"})
_NOBODY = object()


@dataclass(frozen=True, slots=True)
class NavEntry:
    label: str
    endpoint: str
    roles: tuple[str, ...]


# The navigation, in order; an entry shows when its page exists and the user's role may open it.
NAV = (
    NavEntry("Dashboard", "admin.dashboard", ("merchant", "integration", "support")),
    NavEntry("Orders", "admin.orders", ("support",)),
    NavEntry("Rules", "admin.rules", ("merchant",)),
    NavEntry("Network & stock", "admin.network", ("merchant",)),
)


def allowed(role: str, roles: tuple[str, ...], method: str = "GET") -> bool:
    return role == "admin" or role in roles or (role == "readonly" and method in READ_METHODS)


def current_user() -> User | None:
    """The signed-in user of this request (enabled, password unchanged since sign-in), or None."""
    found = g.get("admin_user", _NOBODY)
    if found is not _NOBODY:
        return found  # type: ignore[return-value]
    user = None
    user_id, stamp = session.get("user_id"), session.get("stamp")
    if isinstance(user_id, int) and isinstance(stamp, str):
        user = active_user(current_oms(), user_id, stamp)
        if user is None:
            session.clear()
    g.admin_user = user
    return user


def sign_in_session(user: User, stamp: str) -> None:
    session.clear()  # a new session on sign-in: nothing from before it carries over
    session["user_id"] = user.id
    session["stamp"] = stamp
    session.permanent = True


def user_sees(channel: str) -> bool:
    user = current_user()
    return user is not None and user.sees(channel)


def channels_limit() -> frozenset[str] | None:
    """The channels the user may see (None: all)."""
    user = current_user()
    return user.channels if user is not None else frozenset()


def admin_required(*roles: str) -> Callable[[F], F]:
    """Guard a page: to the sign-in page when signed out, the 403 page when the role may not open it."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("admin.login", next=_local_next()))
            if not allowed(user.role, roles, request.method):
                abort(403, f"the {user.role} role may not open this page")
            return view(*args, **kwargs)

        guarded._admin_roles = roles  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def _local_next() -> str | None:
    return request.full_path.rstrip("?") if request.method == "GET" else None


def visible_nav() -> list[NavEntry]:
    user = current_user()
    if user is None:
        return []
    views = current_app.view_functions
    return [entry for entry in NAV if entry.endpoint in views and allowed(user.role, entry.roles)]


def may(*roles: str, method: str = "POST") -> bool:
    """Whether the signed-in user's role may do what ``roles`` may (templates show only allowed actions)."""
    user = current_user()
    return user is not None and allowed(user.role, roles, method)
