"""People who sign in to the admin pages: their names, password bounds, and the lockout after repeated failures.

A user has one of the API's roles and, like an API key, may be limited to
some channels.  Guessing is slowed twice: an account is locked for
``LOCK_MINUTES`` after ``MAX_FAILURES`` wrong passwords in a row, and one
client address is blocked for ``LOCK_MINUTES`` after ``MAX_ADDRESS_FAILURES``
failures (any names) within ``LOCK_MINUTES``, so that trying one password on
many names is slowed too.  Both are kept in the database, so every worker
process sees them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from oms.errors import FieldError

MIN_NAME, MAX_NAME = 1, 64
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]*$")
MIN_PASSWORD, MAX_PASSWORD = 12, 1024  # an upper bound keeps one sign-in's hashing cost bounded
MAX_CHANNELS, MAX_CODE = 100, 64
MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
LOCK_MINUTES = 15
LOCK = timedelta(minutes=LOCK_MINUTES)


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: str
    channels: frozenset[str] | None  # None: every channel
    disabled_at: datetime | None
    failed_signins: int
    locked_until: datetime | None
    created_at: datetime
    last_signin_at: datetime | None

    def sees(self, channel: str) -> bool:
        return self.channels is None or channel in self.channels

    @property
    def actor(self) -> str:
        """How the user appears in histories, beside API keys' ``api:<name>#<id>``."""
        return f"admin:{self.name}"

    def locked_at(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "channels": sorted(self.channels) if self.channels is not None else None,
            "disabled_at": _iso(self.disabled_at),
            "failed_signins": self.failed_signins,
            "locked_until": _iso(self.locked_until),
            "created_at": _iso(self.created_at),
            "last_signin_at": _iso(self.last_signin_at),
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def name_errors(name: str) -> list[FieldError]:
    if not MIN_NAME <= len(name) <= MAX_NAME or not NAME_PATTERN.match(name):
        return [
            FieldError(
                "name",
                f"must be {MIN_NAME} to {MAX_NAME} characters: letters, digits and . _ @ + - (not first)",
            )
        ]
    return []


def password_errors(password: str) -> list[FieldError]:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        return [FieldError("password", f"must be {MIN_PASSWORD} to {MAX_PASSWORD} characters")]
    if "\x00" in password or any(0xD800 <= ord(c) <= 0xDFFF for c in password):
        return [FieldError("password", "must not hold NUL characters or lone surrogates")]
    return []


def channel_errors(channels: list[str] | None) -> list[FieldError]:
    if channels is None:
        return []
    errors = [FieldError("channels", f"at most {MAX_CHANNELS} channels")] if len(channels) > MAX_CHANNELS else []
    for i, code in enumerate(channels):
        if not 0 < len(code) <= MAX_CODE or "\x00" in code:
            errors.append(FieldError(f"channels[{i}]", f"must be a code of 1 to {MAX_CODE} characters"))
    return errors


def lock_after(failures: int, now: datetime) -> datetime | None:
    """When ``failures`` wrong passwords in a row lock the account: until when."""
    return now + LOCK if failures >= MAX_FAILURES else None
