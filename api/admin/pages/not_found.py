"""Any other address under /admin: the admin's own "Not found" page (with its navigation), not the API's JSON."""

from __future__ import annotations

from typing import Any

from flask import abort

from api.admin.access import admin_required
from api.admin.blueprint import bp


@bp.route("/<path:rest>")
@admin_required("merchant", "integration", "support")
def not_found(rest: str) -> Any:
    """No admin page lives here."""
    abort(404, f"No admin page at /admin/{rest}.")
