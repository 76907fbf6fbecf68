"""The dashboard: the state of the OMS at a glance."""

from __future__ import annotations

from typing import Any

from flask import render_template

from api.admin.access import admin_required
from api.admin.blueprint import bp


@bp.route("/")
@admin_required("merchant", "integration", "support")
def dashboard() -> Any:
    """The first page after signing in."""
    return render_template("admin/dashboard.html")
