"""A channel's rulesets: post a new version, activate one, read the versions and the activation history.

Rulesets are stored by name, every text a new version (posting the latest
text again is that version, not a new one), and a channel has at most one
version active.  The versions a channel offers are those of *its* ruleset
name: the one it has active, else the one it had last, else the channel's
own code; a version may also be posted under another name, which the
channel then lists once it has activated it.  Only text that compiles is
stored; posting does not activate.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from oms.errors import Conflict, FieldError, InvalidInput, NotFound
from oms.service.app import Oms, transact
from oms.service.unit_of_work import UnitOfWork

MAX_RULES_TEXT = 200_000  # characters in one ruleset version
MAX_NAME = 64  # the rulesets.name column


@dataclass(frozen=True, slots=True)
class Posted:
    version: dict[str, Any]
    created: bool  # False: the text is the latest version's, which is returned


def post_version(app: Oms, channel: str, text: Any, name: str | None = None, actor: str = "operator") -> Posted:
    """Store ``text`` as the next version of the channel's ruleset (or of ``name``), without activating it."""
    _check_input(text, name)

    def work(uow: UnitOfWork) -> Posted:
        active = _channel(uow, channel)
        ruleset = name or _own_name(uow, channel, active)
        _compile(app, text, ruleset)
        digest = hashlib.sha256(text.encode()).hexdigest()
        before = {row.version for row in uow.catalog.ruleset_versions([ruleset])}
        version = uow.catalog.add_ruleset(ruleset, text, digest, actor, uow.now)
        row = uow.catalog.ruleset(ruleset, version)
        uow.commit()
        return Posted(_version(row, active), version not in before)

    return transact(app, work)


ActiveRuleset = tuple[str | None, int | None]  # (name, version) of the active ruleset; (None, None): no rules


def activate(
    app: Oms,
    channel: str,
    version: int,
    name: str | None = None,
    actor: str = "operator",
    expected_active: ActiveRuleset | None = None,
) -> dict[str, Any]:
    """Make a stored version the channel's active ruleset (every activation stays in the history).

    With ``expected_active``, only while that is still the channel's active
    ruleset: ``Conflict`` when someone activated another in the meantime.
    """
    if name is not None:
        _check_input("", name)

    def work(uow: UnitOfWork) -> dict[str, Any]:
        active = _channel(uow, channel)
        ruleset = name or _own_name(uow, channel, active)
        row = uow.catalog.ruleset(ruleset, version) if 0 < version < 2**31 else None
        if row is None:
            raise NotFound(f"no version {version} of ruleset {ruleset!r}")
        if not uow.catalog.activate_ruleset(channel, ruleset, version, actor, uow.now, expected_active):
            now_active = "no rules" if active is None else f"version {active[1]} of {active[0]!r}"
            raise Conflict(f"the active ruleset of channel {channel!r} changed meanwhile: it is {now_active}")
        uow.commit()
        return _version(row, (ruleset, version))

    return transact(app, work)


def deactivate(app: Oms, channel: str, actor: str = "operator") -> dict[str, Any]:
    """Leave the channel without rules (recorded in the history); its versions stay and may be activated again."""

    def work(uow: UnitOfWork) -> None:
        _channel(uow, channel)
        uow.catalog.activate_ruleset(channel, None, None, actor, uow.now)
        uow.commit()

    transact(app, work)
    return versions(app, channel)


def versions(app: Oms, channel: str) -> dict[str, Any]:
    """The channel's ruleset name, its active version, and every version it may activate, newest first."""

    def read(uow: UnitOfWork) -> dict[str, Any]:
        active = _channel(uow, channel)
        own = _own_name(uow, channel, active)
        names = {own} | {row.name for row in uow.catalog.activations(channel) if row.name}
        rows = uow.catalog.ruleset_versions(names)
        return {
            "channel": channel,
            "name": own,
            "active": None if active is None else {"name": active[0], "version": active[1]},
            "versions": [_version(row, active) for row in rows],
        }

    return transact(app, read, readonly=True)


def version(app: Oms, channel: str, number: int, name: str | None = None) -> dict[str, Any]:
    """One version with its text."""

    def read(uow: UnitOfWork) -> dict[str, Any]:
        active = _channel(uow, channel)
        ruleset = name or _own_name(uow, channel, active)
        row = uow.catalog.ruleset(ruleset, number) if 0 < number < 2**31 else None
        if row is None:
            raise NotFound(f"no version {number} of ruleset {ruleset!r}")
        return {**_version(row, active), "text": row.text}

    return transact(app, read, readonly=True)


def history(app: Oms, channel: str) -> dict[str, Any]:
    """Every activation on the channel, the latest first (a null name: the channel was left without rules)."""

    def read(uow: UnitOfWork) -> dict[str, Any]:
        _channel(uow, channel)
        activations = [
            {"name": row.name, "version": row.version, "activated_at": row.activated_at.isoformat(), "actor": row.actor}
            for row in uow.catalog.activations(channel)
        ]
        return {"channel": channel, "activations": activations}

    return transact(app, read, readonly=True)


def _channel(uow: UnitOfWork, code: str) -> tuple[str, int] | None:
    """The channel's active (name, version); NotFound for an unknown channel."""
    channel = uow.catalog.snapshot().channels.get(code)
    if channel is None:
        raise NotFound(f"no channel {code!r}")
    return channel.ruleset


def _own_name(uow: UnitOfWork, channel: str, active: tuple[str, int] | None) -> str:
    if active is not None:
        return active[0]
    named = [row.name for row in uow.catalog.activations(channel) if row.name]
    return named[0] if named else channel


def _compile(app: Oms, text: str, name: str) -> None:
    try:
        app.rules.compile(text, name)
    except InvalidInput as err:  # the checker's diagnostics, each at NAME:LINE:COL
        raise InvalidInput([FieldError("text", _located(e)) for e in err.errors]) from None


def _located(error: FieldError) -> str:
    return f"{error.path}: {error.message}" if error.path and not error.path.startswith("text") else error.message


def _check_input(text: Any, name: str | None) -> None:
    errors = []
    if not isinstance(text, str):
        errors.append(FieldError("text", "must be a string"))
    else:
        errors += _text_problems("text", text, MAX_RULES_TEXT)
    if name is not None:
        errors += _text_problems("name", name, MAX_NAME) if name else [FieldError("name", "must not be empty")]
    if errors:
        raise InvalidInput(errors)


def _text_problems(path: str, value: str, limit: int) -> list[FieldError]:
    """What no column can hold: NUL, a lone surrogate, more than ``limit`` characters."""
    if "\x00" in value:
        return [FieldError(path, "must not contain NUL characters")]
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        return [FieldError(path, "must be valid Unicode (it holds a lone surrogate)")]
    if len(value) > limit:
        return [FieldError(path, f"must be at most {limit} characters (it has {len(value)})")]
    return []


def _version(row: Any, active: tuple[str, int] | None) -> dict[str, Any]:
    return {
        "name": row.name,
        "version": row.version,
        "checksum": row.checksum,
        "created_at": row.created_at.isoformat(),
        "created_by": row.created_by,
        "active": active == (row.name, row.version),
    }
