"""Who is calling: API keys in ``Authorization: Bearer oms_...``, roles, and channel limits.

Roles: ``admin`` may do everything; ``merchant`` the catalog, rules and
simulations; ``integration`` order intake, stock messages and the shipment
request steps; ``support`` reading, cancelling and releasing orders;
``readonly`` every GET.  A route names the roles it serves with
``@requires(...)``; admin always passes, and readonly passes on GET.

A key limited to channels neither sees nor touches other channels' objects:
routes check ``caller().sees(channel)`` and answer 404 (not 403), so that
ids of other channels do not leak.

Keys are looked up by the SHA-256 of the secret and cached in the process
for ``OMS_API_KEY_CACHE_SECONDS`` (default 5 s): a revoked key stops working
within that time in every worker.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import current_app, g, request, session

from api.http.extensions import BEARER, current_oms
from api.http.problems import Problem
from oms.domain.users import User
from oms.service.keys import ROLES, ApiKey, authenticate, digest

F = TypeVar("F", bound=Callable[..., Any])
READ_METHODS = frozenset({"GET", "HEAD"})
CACHE_SIZE = 4096


@dataclass(frozen=True, slots=True)
class Caller:
    key_id: int  # 0 for a signed-in admin user
    name: str
    role: str
    channels: frozenset[str] | None  # None: every channel
    user: bool = False  # a signed-in admin user's session rather than an API key

    def sees(self, channel: str) -> bool:
        return self.channels is None or channel in self.channels

    @property
    def actor(self) -> str:
        """How the caller appears in histories: the key's name and id, or the admin user's name."""
        if self.user:
            return f"admin:{self.name}"[:100]
        return f"api:{self.name}#{self.key_id}"[:100]

    @classmethod
    def of(cls, key: ApiKey) -> Caller:
        return cls(key.id, key.name, key.role, key.channels)

    @classmethod
    def of_user(cls, user: User) -> Caller:
        return cls(0, user.name, user.role, user.channels, user=True)


class KeyCache:
    """Digest -> (caller or None, expiry); bounded, thread-safe, per process."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.entries: dict[str, tuple[Caller | None, float]] = {}
        self.lock = threading.Lock()

    def get(self, secret: str, load: Callable[[str], Caller | None]) -> Caller | None:
        key = digest(secret)
        now = time.monotonic()
        with self.lock:
            hit = self.entries.get(key)
        if hit is not None and hit[1] > now:
            return hit[0]
        found = load(secret)
        if self.seconds > 0:
            with self.lock:
                if len(self.entries) >= CACHE_SIZE:
                    self.entries.clear()
                self.entries[key] = (found, now + self.seconds)
        return found


def current_caller() -> Caller | None:
    """The authenticated caller of this request, or None without a valid key (memoised per request).

    Without an ``Authorization`` header, a signed-in admin session authenticates
    as its user, from the same origin only, and with its CSRF token in
    ``X-CSRFToken`` for anything but reading: the admin pages' scripts call the
    API this way, and another site cannot.
    """
    if "caller" in g:
        return g.caller
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    found = None
    if scheme.lower() == "bearer" and secret.strip():
        cache: KeyCache = current_app.extensions["oms_key_cache"]
        found = cache.get(secret.strip(), _load)
    elif not header:
        found = _session_caller()
    g.caller = found
    return found


def _session_caller() -> Caller | None:
    from api.admin.access import current_user
    from api.admin.security import session_csrf_ok

    if "user_id" not in session or not session_csrf_ok(request):
        return None
    user = current_user()
    return Caller.of_user(user) if user is not None else None


def _load(secret: str) -> Caller | None:
    key = authenticate(current_oms(), secret)
    return Caller.of(key) if key is not None else None


def caller() -> Caller:
    """The caller of a route guarded by ``requires`` (never None there)."""
    found = current_caller()
    if found is None:
        raise _unauthorized()
    return found


def allowed(role: str, roles: tuple[str, ...], method: str) -> bool:
    return role == "admin" or role in roles or (role == "readonly" and method in READ_METHODS)


def requires(*roles: str) -> Callable[[F], F]:
    """Guard a view: 401 without a valid key, 403 when the key's role is not among ``roles``."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            who = caller()
            if not allowed(who.role, roles, request.method):
                raise Problem(403, "forbidden", f"the {who.role} role may not {request.method} {request.path}")
            return view(*args, **kwargs)

        guarded._oms_roles = roles  # type: ignore[attr-defined]
        doc = getattr(view, "_apidoc", {})
        guarded._apidoc = {  # type: ignore[attr-defined]
            **doc,
            "manual_doc": {
                **doc.get("manual_doc", {}),
                "security": [{BEARER: []}],
                "description": f"Roles: {', '.join(('admin', *roles))} (readonly keys may use every GET).",
            },
        }
        return guarded  # type: ignore[return-value]

    return decorate


def _unauthorized() -> Problem:
    return Problem(
        401,
        "unauthorized",
        "send a valid API key as 'Authorization: Bearer oms_...' (or, signed in to /admin, the X-CSRFToken header)",
        headers={"WWW-Authenticate": 'Bearer realm="oms"'},
    )


def not_found_unless_seen(channel: str, what: str) -> None:
    """404 for objects of channels the caller may not see (the same answer as for a missing one)."""
    if not caller().sees(channel):
        raise Problem(404, "not-found", f"no {what}")
