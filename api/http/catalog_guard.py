"""What the catalog, rules and sourcing routes share: who may change what all channels share, and a last
line of defence for numbers no column or array can hold.

A key limited to some channels may edit those channels and their rulesets,
but not what all channels share (a source, a product, a network document):
that takes a key for every channel.

The schemas bound what they know; a number they let through that the
database or the engine's arrays cannot hold (an integer past 64 bits for
SQLite and numpy, past 32 bits for a PostgreSQL column) would otherwise
surface as a driver error.  These routes answer it as the sender's mistake:
422, naming every integer of the body beyond the bound (or, for a string
too long for its PostgreSQL column, every string longer than that column).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, g
from flask_smorest import Blueprint
from sqlalchemy.exc import DataError

from api.http.auth import caller, not_found_unless_seen
from api.http.problems import Problem, data_problem, field_errors, problem
from oms.adapters import tables
from oms.errors import FieldError

F = TypeVar("F", bound=Callable[..., Any])
INT64 = 2**63
INT32 = 2**31


def shared_catalog(view: F) -> F:
    """403 for a key limited to channels, before the body or preconditions are looked at (under ``@requires``)."""

    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if caller().channels is not None:
            raise Problem(403, "forbidden", "a key limited to channels may not change what all channels share")
        return view(*args, **kwargs)

    return checked  # type: ignore[return-value]


def channel_in_path(view: F) -> F:
    """404 for a channel the caller's key does not see, before its body or preconditions are looked at
    (put it under ``@requires``)."""

    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        not_found_unless_seen(kwargs["code"], f"channel {kwargs['code']!r}")
        return view(*args, **kwargs)

    return checked  # type: ignore[return-value]


def guard_values(blp: Blueprint) -> Blueprint:
    """Answer numbers and strings beyond what the OMS can hold with 422 for every route of ``blp``."""
    blp.register_error_handler(OverflowError, _overflow)
    blp.register_error_handler(DataError, _data_error)
    return blp


def _overflow(error: OverflowError) -> Response:
    return _too_large(INT64) or _too_large(INT32) or _unplaced(str(error))


def _data_error(error: DataError) -> Response:
    return _too_large(INT32) or _too_long(error) or data_problem(error)


def _too_long(error: DataError) -> Response | None:
    """A string too long for its PostgreSQL column: the statement says which values; find them in the body."""
    if "character varying" not in str(error.orig):
        return None
    table = re.match(r"\s*(?:UPDATE|INSERT INTO)\s+(\w+)", error.statement or "")
    columns = tables.metadata.tables[table.group(1)].c if table and table.group(1) in tables.metadata.tables else {}
    rows = error.params if isinstance(error.params, list | tuple) else [error.params]
    culprits = {
        value: columns[name].type.length
        for row in rows
        if isinstance(row, dict)
        for name, value in row.items()
        if name in columns
        and isinstance(value, str)
        and len(value) > (getattr(columns[name].type, "length", 0) or 10**9)
    }
    errors = [
        FieldError(path, f"must be at most {culprits[value]} characters")
        for path, value in long_strings(g.get("json_body"), min(culprits.values(), default=0))
        if value in culprits
    ]
    if not errors:
        return None
    shown = field_errors(errors)
    return problem(422, "invalid-input", "; ".join(f"{e['path']}: {e['message']}" for e in shown[:5]), errors=shown)


def _too_large(bound: int) -> Response | None:
    paths = big_integers(g.get("json_body"), bound)
    errors = [FieldError(path, f"must be between {-bound} and {bound - 1}") for path in paths]
    if not errors:
        return None
    shown = field_errors(errors)
    return problem(422, "invalid-input", "; ".join(f"{e['path']}: {e['message']}" for e in shown[:5]), errors=shown)


def _unplaced(why: str) -> Response:
    errors = [{"path": "", "message": f"a number is beyond what the OMS can hold ({why})"}]
    return problem(422, "invalid-input", errors[0]["message"], errors=errors)


def big_integers(doc: Any, bound: int, path: str = "") -> list[str]:
    """Paths of the integers in ``doc`` outside [-bound, bound)."""
    if isinstance(doc, bool):
        return []
    if isinstance(doc, int):
        return [path] if not -bound <= doc < bound else []
    if isinstance(doc, dict):
        return [p for key, value in doc.items() for p in big_integers(value, bound, f"{path}.{key}" if path else key)]
    if isinstance(doc, list):
        return [p for i, value in enumerate(doc) for p in big_integers(value, bound, f"{path}[{i}]")]
    return []


def long_strings(doc: Any, width: int, path: str = "") -> list[tuple[str, str]]:
    """(path, string) of the strings in ``doc`` longer than ``width``."""
    if isinstance(doc, str):
        return [(path, doc)] if len(doc) > width else []
    if isinstance(doc, dict):
        return [p for key, value in doc.items() for p in long_strings(value, width, f"{path}.{key}" if path else key)]
    if isinstance(doc, list):
        return [p for i, value in enumerate(doc) for p in long_strings(value, width, f"{path}[{i}]")]
    return []
