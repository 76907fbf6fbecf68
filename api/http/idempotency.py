"""``Idempotency-Key`` for every POST that creates or changes something.

The same key (per API key) with the same request replays the first response,
status and body, for 24 hours; with another request it is 422; while the
first is still in flight it is 409.  The claim commits in the same
transaction as the command's effect (see ``oms.service.idempotency``): a
crash leaves no claimed key without its effect.  A twin request that arrives
while the first runs waits for it (up to ``OMS_IDEMPOTENCY_WAIT_SECONDS``)
and then gets the same answer.  Requests that fail without any effect are
not recorded: sending them again runs them again.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, g, request

from api.http.auth import caller
from api.http.extensions import current_oms
from api.http.problems import PROBLEM_JSON, Problem
from oms.service import idempotency as service
from oms.service.idempotency import MAX_KEY, Claim, KeyTaken, Recorded

F = TypeVar("F", bound=Callable[..., Any])
HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": "Any unique string (a UUID): the same key with the same body replays the first response for 24 h",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY, "pattern": "^[\\x21-\\x7e]+$"},
}


def idempotent(view: F) -> F:
    """Make a POST view replayable under an ``Idempotency-Key`` (put it under ``@requires``)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        _check(key)
        app = current_oms()
        claim = Claim(f"key:{caller().key_id}", key, _fingerprint())
        wait = current_app.config["OMS_IDEMPOTENCY_WAIT_SECONDS"]
        found = service.find(app, claim.scope, key)
        if found is not None:  # done before, or its effect committed and its response is on the way
            if found.status_code is None and found.fingerprint == claim.fingerprint:
                found = service.wait_for_response(app, claim.scope, key, wait)
            return _answer(found, claim)
        try:
            with service.claiming(claim):
                response = current_app.make_response(view(*args, **kwargs))
        except KeyTaken:  # a twin claimed it while this one waited: its answer is this one's
            return _answer(service.wait_for_response(app, claim.scope, key, wait), claim)
        except Exception as err:
            if not claim.written:  # no effect: nothing to replay, the request may be sent again
                raise
            response = current_app.make_response(current_app.handle_user_exception(err))
        if claim.written or response.status_code < 400:
            body = response.get_data(as_text=True)
            service.record_response(app, claim, response.status_code, body, response.headers.get("Location"))
        return response

    doc = getattr(view, "_apidoc", {})
    manual = doc.get("manual_doc", {})
    wrapper._apidoc = {**doc, "manual_doc": {**manual, "parameters": [*manual.get("parameters", []), PARAMETER]}}  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def _check(key: str) -> None:
    if not 0 < len(key) <= MAX_KEY or not all(0x21 <= ord(c) <= 0x7E for c in key):
        raise Problem(400, "bad-request", f"{HEADER} must be 1 to {MAX_KEY} printable ASCII characters without spaces")


def _fingerprint() -> str:
    """Of method, path and body; the body as canonical JSON, so that spacing or key order do not matter."""
    body = g.get("json_body")
    data = json.dumps(body, sort_keys=True, separators=(",", ":")).encode() if body is not None else request.get_data()
    return service.fingerprint(request.method, request.path, data)


def _answer(found: Recorded | None, claim: Claim) -> Response:
    if found is None:  # the twin failed without effect and recorded nothing: this one may simply be sent again
        raise Problem(409, "idempotency-key-in-flight", "the first request with this key failed; send it again")
    if found.fingerprint != claim.fingerprint:
        raise Problem(
            422,
            "idempotency-key-reused",
            f"this {HEADER} was used for another request in the last 24 hours; use a new key",
        )
    if found.status_code is None:
        raise Problem(
            409,
            "idempotency-key-in-flight",
            "a request with this key is still in flight; try again shortly",
            headers={"Retry-After": "1"},
        )
    mimetype = PROBLEM_JSON if found.status_code >= 400 else "application/json"
    response = Response(found.body, status=found.status_code, mimetype=mimetype)
    if found.location:
        response.headers["Location"] = found.location
    response.headers[REPLAYED] = "true"
    return response
