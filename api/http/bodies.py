"""Request bodies, checked once before any route sees them.

Bodies of POST, PUT and PATCH must be JSON (415 otherwise), at most
``OMS_MAX_BODY_BYTES`` (413), well-formed UTF-8 JSON without NaN or
Infinity (400), nested at most 64 levels deep (400), and free of NUL
characters and lone surrogates in any key or string (422 with the path):
no database can store those, and none is a legitimate order field.
Path and query strings get the same character check.  The parsed document
is kept in ``g.json_body``.
"""

from __future__ import annotations

import json
from typing import Any

from flask import g, request

from api.http.config import MAX_JSON_DEPTH
from api.http.problems import Problem
from oms.errors import FieldError, InvalidInput

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def check_request() -> None:
    """``before_request`` hook: characters of path and query, then the body."""
    bad = [FieldError(f"query.{name}", why) for name, value in request.args.items(multi=True) if (why := _bad(value))]
    bad += [FieldError(f"query.{name}", why) for name in request.args if (why := _bad(name))]
    bad += [
        FieldError(f"path.{name}", why)
        for name, value in (request.view_args or {}).items()
        if isinstance(value, str) and (why := _bad(value))
    ]
    if bad:
        raise InvalidInput(bad)
    if request.method in BODY_METHODS and request.blueprint != "admin":  # the admin pages post HTML forms
        _load_body()


def _load_body() -> None:
    raw = request.get_data(cache=True)  # 413 past MAX_CONTENT_LENGTH, raised by werkzeug
    if not raw.strip():
        return
    mimetype = request.mimetype
    if mimetype != "application/json" and not (mimetype.startswith("application/") and mimetype.endswith("+json")):
        raise Problem(
            415,
            "unsupported-media-type",
            f"send JSON with 'Content-Type: application/json', not {mimetype or 'nothing'!r}",
        )
    try:
        text = raw.decode("utf-8")
        doc = json.loads(text, parse_constant=_no_constant)
    except UnicodeDecodeError as err:
        raise Problem(400, "malformed-json", f"the body is not UTF-8 (byte {err.start})") from None
    except json.JSONDecodeError as err:
        raise Problem(
            400, "malformed-json", f"malformed JSON at line {err.lineno} column {err.colno}: {err.msg}"
        ) from None
    except (ValueError, RecursionError) as err:
        raise Problem(400, "malformed-json", f"JSON not accepted: {_short(err)}") from None
    errors = _check_document(doc)
    if errors:
        raise InvalidInput(errors)
    g.json_body = doc


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _short(err: Exception) -> str:
    if isinstance(err, RecursionError):
        return f"nested deeper than {MAX_JSON_DEPTH} levels"
    return str(err).split("\n")[0][:200]


def _check_document(doc: Any) -> list[FieldError]:
    """Depth and characters of every key and string, without recursion (so any shape is safe to walk)."""
    errors: list[FieldError] = []
    stack: list[tuple[Any, str, int]] = [(doc, "", 0)]
    while stack and len(errors) < 50:
        value, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return [FieldError(path, f"nested deeper than {MAX_JSON_DEPTH} levels")]
        if isinstance(value, str):
            if why := _bad(value):
                errors.append(FieldError(path, why))
        elif isinstance(value, dict):
            for key, item in value.items():
                if why := _bad(key):
                    errors.append(FieldError(path, f"a key {why}"))
                    continue
                stack.append((item, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))
    return sorted(errors, key=lambda e: e.path)


def _bad(text: str) -> str | None:
    if "\x00" in text:
        return "must not contain NUL characters"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "must not contain lone surrogates (not valid Unicode)"
    return None


def json_body() -> Any:
    """The request's JSON document, for a service handler that validates it itself (422 when absent)."""
    if "json_body" not in g:
        raise InvalidInput([FieldError("", "a JSON body is required")])
    return g.json_body


def json_response(doc: Any, status: int = 200, headers: dict[str, str] | None = None) -> Any:
    """A read model as JSON, as it is (the command line prints the same document with ``--json``)."""
    from flask import Response

    return Response(json.dumps(doc), status=status, headers=headers, mimetype="application/json")
