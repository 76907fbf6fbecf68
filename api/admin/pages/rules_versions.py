"""The rules studio's versions: the difference between two, and activating one after a confirmation.

The confirmation page shows what activating changes (the difference from
the active version) and carries the active version it was shown with; the
activation is refused, and the page shown again, when another user
activated something in between: the form's equivalent of the API's
``If-Match``, so that nobody activates a version over a change they have
not seen.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from api.admin.access import admin_required, current_user
from api.admin.blueprint import bp
from api.admin.diff import version_diff
from api.admin.pages.rules import channel_versions, name_arg, version_arg
from api.http.extensions import current_oms
from oms.errors import Conflict
from oms.service import rulesets


@bp.route("/rules/<string(maxlength=64):code>/diff")
@admin_required("merchant")
def rules_diff(code: str) -> Any:
    """Two versions side by side (by default the one before the latest, and the latest)."""
    found = channel_versions(code)
    numbers = [v["version"] for v in found["versions"] if v["name"] == found["name"]]
    old = version_arg(request.args.get("old")) or (numbers[1] if len(numbers) > 1 else None)
    new = version_arg(request.args.get("new")) or (numbers[0] if numbers else None)
    diff = None
    if old is not None and new is not None:
        oms = current_oms()
        old_text = rulesets.version(oms, code, old, found["name"])["text"]
        new_text = rulesets.version(oms, code, new, found["name"])["text"]
        diff = version_diff(old_text, new_text, f"version {old}", f"version {new}")
    return render_template(
        "admin/rules/diff.html", code=code, found=found, numbers=numbers, old=old, new=new, diff=diff
    )


@bp.route("/rules/<string(maxlength=64):code>/versions/<int:number>/activate", methods=["GET"])
@admin_required("merchant")
def rules_activate_confirm(code: str, number: int) -> Any:
    """What activating the version changes, and the button that does it."""
    found = channel_versions(code)
    return _confirmation(code, found, number, name_arg(request.args.get("name")))


@bp.route("/rules/<string(maxlength=64):code>/versions/<int:number>/activate", methods=["POST"])
@admin_required("merchant")
def rules_activate(code: str, number: int) -> Any:
    """Activate the version, unless the active version changed since the confirmation was shown."""
    found = channel_versions(code)
    name = name_arg(request.form.get("name"))
    if request.form.get("expected_active", "") != _label(found["active"]):
        flash("The active version changed since this page was shown: check the difference again.", "error")
        return _confirmation(code, found, number, name), 409
    user = current_user()
    assert user is not None
    try:
        activated = rulesets.activate(current_oms(), code, number, name, user.actor, _expected(found["active"]))
    except Conflict as err:  # activated by someone else between the check above and this write
        flash(f"{err}: check the difference again.", "error")
        return _confirmation(code, channel_versions(code), number, name), 409
    flash(f"Version {activated['version']} of {activated['name']!r} is now active on {code}.", "success")
    return redirect(url_for("admin.rules_channel", code=code))


def _confirmation(code: str, found: dict[str, Any], number: int, name: str | None) -> str:
    oms = current_oms()
    chosen = rulesets.version(oms, code, number, name or found["name"])
    active = found["active"]
    before = "" if active is None else rulesets.version(oms, code, active["version"], active["name"])["text"]
    before_label = "no rules" if active is None else f"active version {active['version']}"
    diff = version_diff(before, chosen["text"], before_label, f"version {number}")
    return render_template(
        "admin/rules/activate.html",
        code=code,
        found=found,
        chosen=chosen,
        diff=diff,
        expected_active=_label(active),
    )


def _expected(active: dict[str, Any] | None) -> rulesets.ActiveRuleset:
    """The active version the confirmation was checked against, as the activation's condition."""
    return (None, None) if active is None else (active["name"], active["version"])


def _label(active: dict[str, Any] | None) -> str:
    """The active version as the confirmation form carries it."""
    return "none" if active is None else f"{active['name']}:{active['version']}"
