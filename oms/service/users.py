"""Users of the admin pages: create, list, disable, and sign in with a password.

Passwords are hashed with argon2id (argon2-cffi's defaults) and only the hash
is kept.  A sign-in checks the per-address throttle and the account's
lockout first, verifies the hash outside any transaction (it takes tens of
milliseconds on purpose), then records the outcome in one short transaction
with an atomic increment, so that concurrent failures in several workers all
count.  An unknown name costs the same hashing work as a known one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, insert, select, update

from oms.adapters import tables as t
from oms.domain.users import (
    LOCK,
    MAX_ADDRESS_FAILURES,
    MAX_NAME,
    MAX_PASSWORD,
    User,
    channel_errors,
    lock_after,
    name_errors,
    password_errors,
)
from oms.errors import Conflict, FieldError, InvalidInput, NotFound, OmsError
from oms.service.app import Oms, transact
from oms.service.keys import ROLES
from oms.service.unit_of_work import UnitOfWork

u = t.users.c
th = t.signin_throttle.c
HASHER = PasswordHasher()
_UNKNOWN_USER_HASH = HASHER.hash("an unknown user's password costs the same work")
MAX_ADDRESS = 64


class SignInRefused(OmsError):
    """Wrong name or password, a disabled or locked account, or too many failures from one address."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: User
    password_stamp: str  # changes when the password does: sessions made with the old one end


def create_user(app: Oms, name: str, password: str, role: str, channels: list[str] | None = None) -> User:
    """Record a new user with the argon2 hash of ``password``."""
    errors = name_errors(name) + password_errors(password) + channel_errors(channels)
    if role not in ROLES:
        errors.append(FieldError("role", f"must be one of {', '.join(ROLES)}"))
    if errors:
        raise InvalidInput(errors)
    hashed = HASHER.hash(password)

    def work(uow: UnitOfWork) -> User:
        if uow.session.execute(select(u.id).where(u.name == name)).first() is not None:
            raise Conflict(f"a user named {name!r} exists already")
        row = {
            "name": name,
            "password_hash": hashed,
            "role": role,
            "channels": sorted(set(channels)) if channels else None,
            "failed_signins": 0,
            "created_at": uow.now,
        }
        user_id = uow.session.execute(insert(t.users).values(row).returning(u.id)).scalar_one()
        uow.commit()
        return _user({**row, "id": user_id, "disabled_at": None, "locked_until": None, "last_signin_at": None})

    return transact(app, work)


def list_users(app: Oms) -> list[User]:
    def read(uow: UnitOfWork) -> list[User]:
        return [_user(r._mapping) for r in uow.session.execute(select(t.users).order_by(u.name))]

    return transact(app, read, readonly=True)


def disable_user(app: Oms, name: str) -> User:
    """Disable a user for good: no more sign-ins, and open sessions end at their next request."""

    def work(uow: UnitOfWork) -> User:
        row = _row(uow, name)
        if row.disabled_at is None:
            uow.session.execute(update(t.users).where(u.id == row.id).values(disabled_at=uow.now))
            uow.commit()
            return _user({**row._mapping, "disabled_at": uow.now})
        return _user(row._mapping)

    return transact(app, work)


def set_password(app: Oms, name: str, password: str) -> User:
    """Give the user a new password; it also lifts a lockout, and sessions opened with the old one end."""
    errors = password_errors(password)
    if errors:
        raise InvalidInput(errors)
    hashed = HASHER.hash(password)

    def work(uow: UnitOfWork) -> User:
        row = _row(uow, name)
        values = {"password_hash": hashed, "failed_signins": 0, "locked_until": None}
        uow.session.execute(update(t.users).where(u.id == row.id).values(values))
        uow.commit()
        return _user({**row._mapping, **values})

    return transact(app, work)


def active_user(app: Oms, user_id: int, password_stamp: str) -> User | None:
    """The user of a session, while enabled and with the password the session was opened with."""

    def read(uow: UnitOfWork) -> User | None:
        row = uow.session.execute(select(t.users).where(u.id == user_id)).first()
        if row is None or row.disabled_at is not None or stamp(row.password_hash) != password_stamp:
            return None
        return _user(row._mapping)

    return transact(app, read, readonly=True)


def sign_in(app: Oms, name: str, password: str, address: str) -> SignedIn:
    """The user with this name and password, or ``SignInRefused`` (the failure is counted)."""
    address = (address or "unknown")[:MAX_ADDRESS]
    if len(name) > MAX_NAME or len(password) > MAX_PASSWORD or not _encodable(name + password):
        _count_failure(app, None, address)  # refused without hashing: bounds the work one request can cause
        raise SignInRefused("wrong name or password")
    now = app.clock()
    row = transact(app, lambda uow: _sign_in_state(uow, name, address), readonly=True)
    blocked_until, found = row
    if blocked_until is not None and blocked_until > now:
        raise SignInRefused(f"too many failed sign-ins from this address: try again after {blocked_until:%H:%M} UTC")
    if found is not None and found.locked_until is not None and found.locked_until > now:
        raise SignInRefused(f"this account is locked after repeated failures until {found.locked_until:%H:%M} UTC")
    if not _verified(found.password_hash if found is not None else _UNKNOWN_USER_HASH, password) or found is None:
        _count_failure(app, found.id if found is not None else None, address)
        raise SignInRefused("wrong name or password")
    if found.disabled_at is not None:
        raise SignInRefused("this account is disabled")
    return SignedIn(transact(app, lambda uow: _record_success(uow, found.id, address)), stamp(found.password_hash))


def stamp(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _sign_in_state(uow: UnitOfWork, name: str, address: str) -> tuple[datetime | None, Any]:
    blocked = uow.session.execute(select(th.blocked_until).where(th.address == address)).scalar()
    return blocked, uow.session.execute(select(t.users).where(u.name == name)).first()


def _encodable(text: str) -> bool:
    return "\x00" not in text and not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def _verified(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _count_failure(app: Oms, user_id: int | None, address: str) -> None:
    def work(uow: UnitOfWork) -> None:
        if user_id is not None:
            uow.session.execute(update(t.users).where(u.id == user_id).values(failed_signins=u.failed_signins + 1))
            failures = uow.session.execute(select(u.failed_signins).where(u.id == user_id)).scalar_one()
            until = lock_after(failures, uow.now)
            if until is not None:
                uow.session.execute(update(t.users).where(u.id == user_id).values(locked_until=until, failed_signins=0))
        _throttle(uow, address)
        uow.commit()

    transact(app, work)


def _throttle(uow: UnitOfWork, address: str) -> None:
    row = uow.session.execute(select(t.signin_throttle).where(th.address == address)).first()
    if row is None:
        _forget_stale_addresses(uow)
        uow.session.execute(insert(t.signin_throttle).values(address=address, failures=1, window_started_at=uow.now))
        return
    if row.window_started_at + LOCK <= uow.now:  # a new window
        values: dict[str, Any] = {"failures": 1, "window_started_at": uow.now, "blocked_until": None}
    else:
        values = {"failures": th.failures + 1}
        if row.failures + 1 >= MAX_ADDRESS_FAILURES:
            values["blocked_until"] = uow.now + LOCK
    uow.session.execute(update(t.signin_throttle).where(th.address == address).values(values))


def _forget_stale_addresses(uow: UnitOfWork) -> None:
    """Addresses whose window and block are both over count for nothing: without this the table only grows."""
    stale = (th.window_started_at <= uow.now - LOCK) & (th.blocked_until.is_(None) | (th.blocked_until <= uow.now))
    uow.session.execute(delete(t.signin_throttle).where(stale))


def _record_success(uow: UnitOfWork, user_id: int, address: str) -> User:
    uow.session.execute(
        update(t.users).where(u.id == user_id).values(failed_signins=0, locked_until=None, last_signin_at=uow.now)
    )
    row = uow.session.execute(select(t.users).where(u.id == user_id)).one()
    uow.commit()
    return _user(row._mapping)


def _row(uow: UnitOfWork, name: str) -> Any:
    row = uow.session.execute(select(t.users).where(u.name == name)).first()
    if row is None:
        raise NotFound(f"no user named {name!r}")
    return row


def _user(row: Any) -> User:
    channels = row["channels"]
    return User(
        row["id"],
        row["name"],
        row["role"],
        frozenset(channels) if channels is not None else None,
        row["disabled_at"],
        row["failed_signins"],
        row["locked_until"],
        row["created_at"],
        row["last_signin_at"],
    )
