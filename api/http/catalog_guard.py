"""What the catalog, rules and sourcing routes share: who may change what all channels share, and a last
line of defence for numbers no column or array can hold.

A key limited to some channels may edit those channels and their rulesets,
but not what all channels share (a source, a product, a network document):
that takes a key for every channel.

The schemas bound what they know; a number they let through that the
database or the engine's arrays cannot hold (an integer past 64 bits for
SQLite and numpy, past 32 bits for a PostgreSQL column) would otherwise
surface as a driver error.  These routes answer it as the sender's mistake:
422, naming every integer of the body beyond the bound.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g
from flask_smorest import Blueprint
from sqlalchemy.exc import DataError

from api.http.auth import Caller, caller
from api.http.problems import Problem, data_problem, field_errors, problem
from oms.errors import FieldError

INT64 = 2**63
INT32 = 2**31


def shared_catalog_writer() -> Caller:
    """The caller, if its key may change what every channel shares (403 otherwise)."""
    who = caller()
    if who.channels is not None:
        raise Problem(403, "forbidden", "a key limited to channels may not change what all channels share")
    return who


def guard_numbers(blp: Blueprint) -> Blueprint:
    """Answer numbers beyond what the OMS can hold with 422 for every route of ``blp``."""
    blp.register_error_handler(OverflowError, _overflow)
    blp.register_error_handler(DataError, _data_error)
    return blp


def _overflow(error: OverflowError) -> Response:
    return _too_large(INT64) or _too_large(INT32) or _unplaced(str(error))


def _data_error(error: DataError) -> Response:
    return _too_large(INT32) or data_problem(error)


def _too_large(bound: int) -> Response | None:
    errors = [
        FieldError(path, f"must be between {-bound} and {bound - 1}")
        for path in big_integers(g.get("json_body"), bound)
    ]
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
