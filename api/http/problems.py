"""Every error the API answers, as RFC 9457 problem details (``application/problem+json``), in one place.

Routes never build error bodies: they raise the OMS's exceptions (or let
flask-smorest and werkzeug raise HTTP ones) and this module maps each kind
to a status and a stable ``type`` URI.  A 422 lists every invalid field at
once, each with its JSON path.  An unexpected error answers 500 with the
request id, which is also in the error log line.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from flask import Flask, Response, g
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from oms.errors import Conflict, FieldError, IllegalTransition, InvalidInput, NotFound, OmsError, Refused
from oms.schemas import all_errors
from oms.service.app import GaveUp
from oms.service.idempotency import KeyTaken

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:oms:problem:"
log = logging.getLogger("oms.http.error")

# status: the kind of problem an HTTP status means when nothing more specific is known
KINDS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    412: "precondition-failed",
    413: "payload-too-large",
    414: "uri-too-long",
    415: "unsupported-media-type",
    422: "invalid-input",
    428: "precondition-required",
    429: "too-many-requests",
    431: "headers-too-large",
    500: "internal-error",
    503: "unavailable",
}
TITLES = {
    "bad-request": "Bad request",
    "malformed-json": "Malformed JSON",
    "unauthorized": "Authentication required",
    "forbidden": "Not allowed for this API key's role",
    "not-found": "Not found",
    "conflict": "Conflict with the recorded state",
    "illegal-transition": "Illegal status transition",
    "refused": "Refused in the current state",
    "idempotency-key-in-flight": "A request with this Idempotency-Key is in flight",
    "idempotency-key-reused": "Idempotency-Key reused with another request",
    "invalid-input": "Invalid input",
    "internal-error": "Internal error",
}


class Problem(Exception):
    """An HTTP problem raised by the API layer itself (auth, idempotency, bodies)."""

    def __init__(
        self, status: int, kind: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(detail)
        self.status, self.kind, self.detail, self.extra = status, kind, detail, extra
        self.headers = headers or {}


def problem(status: int, kind: str | None = None, detail: str | None = None, **extra: Any) -> Response:
    kind = kind or KINDS.get(status, "error")
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + kind,
        "title": TITLES.get(kind, kind.replace("-", " ").capitalize()),
        "status": status,
        "detail": detail or TITLES.get(kind, kind),
    }
    request_id = g.get("request_id")
    if request_id:
        body["request_id"] = request_id
    body.update(extra)
    return Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)


def field_errors(errors: Iterable[FieldError]) -> list[dict[str, str]]:
    return [{"path": e.path, "message": e.message} for e in errors]


def http_problem(error: HTTPException) -> Response:
    """werkzeug's and flask-smorest's HTTP errors (webargs puts the schema's messages in ``error.data``)."""
    status = error.code or 500
    if status >= 500:
        return internal_error(error)
    data = getattr(error, "data", None) or {}
    messages = data.get("errors") or data.get("messages")
    extra: dict[str, Any] = {}
    if status == 422 and messages:
        extra["errors"] = field_errors(all_errors(_without_location(messages)))
    detail = data.get("message") or error.description
    response = problem(status, detail=_detail(status, detail, extra), **extra)
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if status == 405 and error.get_headers():
        response.headers.update({k: v for k, v in error.get_headers() if k.lower() == "allow"})
    return response


def _without_location(messages: dict) -> dict:
    """webargs keys errors by location (``json``, ``query``); one location: drop it from the paths."""
    if len(messages) == 1:
        location, inner = next(iter(messages.items()))
        if location in ("json", "query", "headers", "form", "path", "view_args") and isinstance(inner, dict):
            return {f"{'' if location == 'json' else location + '.'}{k}": v for k, v in inner.items()}
    return messages


def _detail(status: int, detail: str | None, extra: dict[str, Any]) -> str:
    if status == 422 and extra.get("errors"):
        errs = extra["errors"]
        shown = "; ".join(f"{e['path']}: {e['message']}" if e["path"] else e["message"] for e in errs[:5])
        return shown + (f"; and {len(errs) - 5} more" if len(errs) > 5 else "")
    return detail or ""


def oms_problem(error: OmsError) -> Response:
    if isinstance(error, InvalidInput):
        errors = field_errors(error.errors)
        return problem(422, "invalid-input", _detail(422, None, {"errors": errors}), errors=errors)
    if isinstance(error, NotFound):
        return problem(404, "not-found", str(error))
    if isinstance(error, IllegalTransition):
        extra = {"current_status": error.current} if error.current else {}
        return problem(409, "illegal-transition", str(error), **extra)
    if isinstance(error, Refused):
        return problem(409, "refused", str(error))
    if isinstance(error, Conflict):
        return problem(409, "conflict", str(error))
    if isinstance(error, KeyTaken):
        return problem(409, "idempotency-key-in-flight", "a request with this Idempotency-Key is in flight")
    if isinstance(error, GaveUp):
        return problem(503, "unavailable", "the database stayed busy; try again", retry_after=1)
    return problem(409, "refused", str(error))


def data_problem(error: DataError) -> Response:
    """A value the database cannot hold (out of range, too long) got past the schemas: still bad input."""
    log.warning("database refused a value: %s", str(error.orig).strip().splitlines()[0] if error.orig else error)
    return problem(422, "invalid-input", "a value is out of the range the OMS stores", errors=[])


def internal_error(error: BaseException) -> Response:
    log.error(
        "unexpected error",
        exc_info=(type(error), error, error.__traceback__),
        extra={"request_id": g.get("request_id")},
    )
    return problem(500, "internal-error", "an unexpected error; quote the request id when reporting it")


def api_problem(error: Problem) -> Response:
    response = problem(error.status, error.kind, error.detail, **error.extra)
    response.headers.update(error.headers)
    return response


def register(app: Flask) -> None:
    app.register_error_handler(Problem, api_problem)
    app.register_error_handler(OmsError, oms_problem)
    app.register_error_handler(DataError, data_problem)
    app.register_error_handler(HTTPException, http_problem)
    app.register_error_handler(Exception, internal_error)
