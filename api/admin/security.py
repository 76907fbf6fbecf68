"""The admin pages' defences: the session cookie, CSRF tokens, security headers, and error pages.

- The session cookie is signed with ``OMS_SECRET_KEY`` (at least 32
  characters), or, when that is unset, with a key generated once per database
  (``oms.service.secrets``), so that the quick start works and all workers of
  one service agree.  It is HttpOnly, SameSite=Lax, and Secure when the
  request came over TLS or ``OMS_ADMIN_SECURE_COOKIES`` is on.
- Every form carries a CSRF token and every JavaScript call the
  ``X-CSRFToken`` header (Flask-WTF); a POST without a valid one gets the
  400 page.  The JSON API accepts a signed-in session only with that header
  (``api.http.auth``).
- Errors are pages, never tracebacks: a refused action is a message on the
  page it came from (``flash``), an unexpected error a 500 page with the
  request id.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, Request, Response, g, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect, validate_csrf
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from wtforms import ValidationError

from api.admin.access import current_user, may, visible_nav
from api.admin.blueprint import bp
from api.http.config import ConfigError
from oms.errors import NotFound, OmsError
from oms.service.secrets import service_secret

MIN_SECRET_KEY = 32
SESSION_HOURS = 12
CSRF_HEADER = "X-CSRFToken"
log = logging.getLogger("oms.http.error")
csrf = CSRFProtect()
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, with the key fetched lazily and Secure decided per request."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            try:
                app.secret_key = service_secret(app.extensions["oms"], "admin-session")
            except SQLAlchemyError:  # no schema yet: no sessions (the API's keys still work)
                log.warning("no admin session key: the database has no service_secrets table (run `oms db upgrade`)")
                return None
        return super().get_signing_serializer(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def configure(app: Flask) -> None:
    secret = app.config.get("OMS_SECRET_KEY") or ""
    if secret and len(secret) < MIN_SECRET_KEY:
        raise ConfigError(f"OMS_SECRET_KEY: must be at least {MIN_SECRET_KEY} characters")
    app.secret_key = secret or None
    app.config.update(
        SESSION_COOKIE_NAME="oms_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(app.config.get("OMS_ADMIN_SECURE_COOKIES")),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        WTF_CSRF_CHECK_DEFAULT=False,  # the API authenticates with keys; only the admin pages and sessions need it
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as its session
        WTF_CSRF_SSL_STRICT=True,
    )
    app.session_interface = SessionInterface()
    csrf.init_app(app)


def session_csrf_ok(req: Request) -> bool:
    """A session-authenticated API call: same origin, and a valid ``X-CSRFToken`` unless it only reads."""
    origin = req.headers.get("Origin")
    if origin is not None and origin.rstrip("/") != req.host_url.rstrip("/"):
        return False
    if req.method in ("GET", "HEAD", "OPTIONS"):
        return True
    try:
        validate_csrf(req.headers.get(CSRF_HEADER, ""))
    except ValidationError:
        return False
    return True


@bp.before_request
def _protect() -> None:
    csrf.protect()


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.context_processor
def _layout() -> dict[str, Any]:
    return {"admin_user": current_user, "admin_nav": visible_nav, "admin_may": may}


def error_page(status: int, title: str, detail: str) -> tuple[str, int]:
    return render_template("admin/error.html", status=status, title=title, detail=detail), status


@bp.errorhandler(CSRFError)
def _csrf_refused(error: CSRFError) -> tuple[str, int]:
    return error_page(
        400,
        "Form refused",
        f"The form was sent without a valid security token ({error.description}). Reload the page and try again.",
    )


@bp.errorhandler(NotFound)
def _not_found(error: NotFound) -> tuple[str, int]:
    return error_page(404, "Not found", str(error))


@bp.errorhandler(OmsError)
def _refused(error: OmsError) -> tuple[str, int]:
    return error_page(409 if not hasattr(error, "errors") else 422, "Refused", str(error))


@bp.errorhandler(HTTPException)
def _http(error: HTTPException) -> tuple[str, int]:
    status = error.code or 500
    titles = {403: "Not allowed", 404: "Not found", 405: "Not allowed here"}
    return error_page(status, titles.get(status, error.name), error.description or error.name)


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> tuple[str, int]:
    log.error("unexpected error", exc_info=error, extra={"request_id": g.get("request_id")})
    return error_page(
        500,
        "Something went wrong",
        f"An unexpected error; quote request id {g.get('request_id', '-')} when reporting it.",
    )


@bp.app_template_filter("when")
def when(value: object) -> str:
    """An ISO 8601 instant as ``2026-11-30 10:45 UTC`` (to the minute: what a person reads); else as given."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return "" if value is None else str(value)
