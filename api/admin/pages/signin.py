"""Signing in and out of the admin pages."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, session, url_for

from api.admin.access import current_user, sign_in_session
from api.admin.blueprint import bp
from api.http.extensions import current_oms
from oms.domain.users import MAX_NAME, MAX_PASSWORD
from oms.service.users import SignInRefused, sign_in


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The sign-in form; a wrong password is counted (lockout after repeated failures)."""
    if request.method == "GET":
        if current_user() is not None:
            return redirect(_next_page(request.args.get("next")))
        return _form(request.args.get("next", ""), "")
    name = request.form.get("username", "")
    password = request.form.get("password", "")
    try:
        signed_in = sign_in(current_oms(), name, password, request.remote_addr or "unknown")
    except SignInRefused as refused:
        flash(str(refused), "error")
        return _form(request.form.get("next", ""), name[:MAX_NAME]), 401
    sign_in_session(signed_in.user, signed_in.password_stamp)
    return redirect(_next_page(request.form.get("next")))


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    """Sign out: the session ends (the form carries the CSRF token like every other)."""
    session.clear()
    flash("Signed out.", "info")
    return redirect(url_for("admin.login"))


def _next_page(wanted: str | None) -> str:
    """Back to the page that asked for the sign-in, only when it is an admin page of this site."""
    if wanted and wanted.startswith("/admin") and not wanted.startswith("//") and "\\" not in wanted:
        return wanted
    return url_for("admin.dashboard")


def _form(next_page: str, username: str) -> str:
    return render_template(
        "admin/login.html", next=next_page, username=username, max_name=MAX_NAME, max_password=MAX_PASSWORD
    )
