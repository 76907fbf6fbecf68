"""API keys: who may call the HTTP API, in which role, for which channels.

A key is ``oms_`` followed by 32 random bytes (URL-safe base64).  It is shown
once, at creation; the database keeps only its SHA-256 digest.  Keys are long
random secrets, not passwords, so a fast hash is enough and a request pays no
key-stretching cost.  Looking a key up by its digest and comparing the digests
in constant time leaks nothing useful about other keys.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from oms.adapters import tables as t
from oms.errors import FieldError, InvalidInput, NotFound
from oms.service.app import Oms, transact
from oms.service.unit_of_work import UnitOfWork

ROLES = ("admin", "merchant", "integration", "support", "readonly")
PREFIX = "oms_"
MAX_NAME = 100
MAX_CHANNELS = 100
MAX_CODE = 64
MAX_SECRET = 200  # far more than a real key (47 characters): longer headers are refused without hashing

k = t.api_keys.c


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: int
    name: str
    role: str
    channels: frozenset[str] | None  # None: every channel
    created_at: datetime
    revoked_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "channels": sorted(self.channels) if self.channels is not None else None,
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create_key(app: Oms, role: str, channels: list[str] | None = None, name: str | None = None) -> tuple[ApiKey, str]:
    """Record a new key; returns it with its secret, which is never shown again."""
    _check(role, channels, name)
    secret = PREFIX + secrets.token_urlsafe(32)

    def work(uow: UnitOfWork) -> ApiKey:
        row = {
            "name": name or f"{role} key",
            "role": role,
            "channels": sorted(set(channels)) if channels else None,
            "secret_hash": digest(secret),
            "created_at": uow.now,
        }
        key_id = uow.session.execute(insert(t.api_keys).values(row).returning(k.id)).scalar_one()
        uow.commit()
        return _key({**row, "id": key_id, "revoked_at": None})

    return transact(app, work), secret


def list_keys(app: Oms) -> list[ApiKey]:
    def read(uow: UnitOfWork) -> list[ApiKey]:
        return [_key(r._mapping) for r in uow.session.execute(select(t.api_keys).order_by(k.id))]

    return transact(app, read, readonly=True)


def revoke_key(app: Oms, key_id: int) -> ApiKey:
    """Revoke a key for good (revoking twice keeps the first date)."""

    def work(uow: UnitOfWork) -> ApiKey:
        row = uow.session.execute(select(t.api_keys).where(k.id == key_id)).first()
        if row is None:
            raise NotFound(f"no API key {key_id}")
        if row.revoked_at is None:
            uow.session.execute(update(t.api_keys).where(k.id == key_id).values(revoked_at=uow.now))
            uow.commit()
            return _key({**row._mapping, "revoked_at": uow.now})
        return _key(row._mapping)

    return transact(app, work)


def authenticate(app: Oms, secret: str) -> ApiKey | None:
    """The live key with this secret, or None (unknown, malformed or revoked)."""
    if not secret.startswith(PREFIX) or len(secret) > MAX_SECRET:
        return None
    wanted = digest(secret)

    def read(uow: UnitOfWork) -> ApiKey | None:
        row = uow.session.execute(select(t.api_keys).where(k.secret_hash == wanted)).first()
        if row is None or not hmac.compare_digest(row.secret_hash, wanted) or row.revoked_at is not None:
            return None
        return _key(row._mapping)

    return transact(app, read, readonly=True)


def _check(role: str, channels: list[str] | None, name: str | None) -> None:
    errors = []
    if role not in ROLES:
        errors.append(FieldError("role", f"must be one of {', '.join(ROLES)}"))
    if name is not None and not 0 < len(name) <= MAX_NAME:
        errors.append(FieldError("name", f"must be 1 to {MAX_NAME} characters"))
    if channels is not None and len(channels) > MAX_CHANNELS:
        errors.append(FieldError("channels", f"at most {MAX_CHANNELS} channels"))
    for i, code in enumerate(channels or []):
        if not 0 < len(code) <= MAX_CODE or "\x00" in code:
            errors.append(FieldError(f"channels[{i}]", f"must be a code of 1 to {MAX_CODE} characters"))
    if errors:
        raise InvalidInput(errors)


def _key(row: Any) -> ApiKey:
    channels = row["channels"]
    return ApiKey(
        row["id"],
        row["name"],
        row["role"],
        frozenset(channels) if channels is not None else None,
        row["created_at"],
        row["revoked_at"],
    )
