"""The rules studio: a channel's ruleset versions and an editor that checks, formats and saves rules text.

The page works without JavaScript: the editor's buttons post the form, and
the answer is the page again with the checker's diagnostics or the
formatted text.  With JavaScript (``rules_editor.js``) the text is checked
as it is typed through ``POST /v1/rules/check`` and formatted through
``POST /v1/rules/fmt``, with the signed-in session.  Saving stores a new
version and does not activate it (``rulesets.post_version``, as ``POST
/v1/channels/{code}/rulesets``); activating has its own confirmation page
(``rules_versions``).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from api.admin.access import admin_required, channels_limit, current_user, may, user_sees
from api.admin.blueprint import bp
from api.admin.network import channels
from api.http.extensions import current_oms
from oms.errors import InvalidInput
from oms.service import rules_text, rulesets
from oms.service.rulesets import MAX_NAME, MAX_RULES_TEXT

ACTIONS = ("check", "fmt", "save")


@bp.route("/rules")
@admin_required("merchant")
def rules() -> Any:
    """Every channel the user sees, with its active ruleset and how many versions it has."""
    oms = current_oms()
    rows = []
    for channel in channels(oms, channels_limit()):
        found = rulesets.versions(oms, channel["code"])
        rows.append({"channel": channel, "active": found["active"], "versions": len(found["versions"])})
    return render_template("admin/rules/index.html", rows=rows)


@bp.route("/rules/<string(maxlength=64):code>")
@admin_required("merchant")
def rules_channel(code: str) -> Any:
    """The channel's versions (the active one marked) and the editor, opened on a version, the active one or new."""
    found = channel_versions(code)
    number = version_arg(request.args.get("version"))
    text = starting_text(code, found, number, name_arg(request.args.get("name")))
    checked = rules_text.check_rules(text, "rules") if text.strip() else None
    return _page(code, found, text, checked, opened=number)


@bp.route("/rules/<string(maxlength=64):code>", methods=["POST"])
@admin_required("merchant")
def rules_editor(code: str) -> Any:
    """The editor's buttons: check the text, format it, or save it as a new version."""
    found = channel_versions(code)
    text = request.form.get("text", "").replace("\r\n", "\n")
    action = request.form.get("action", "check")
    if action not in ACTIONS:
        abort(400, f"unknown action {action!r}: the editor checks, formats or saves")
    if len(text) > MAX_RULES_TEXT:
        flash(f"The rules text must be at most {MAX_RULES_TEXT:,} characters (it has {len(text):,}).", "error")
        return _page(code, found, text[:MAX_RULES_TEXT], None), 422
    checked = rules_text.check_rules(text, "rules")
    if action == "fmt" and not checked.diagnostics:
        text = rules_text.formatted(text)
        flash("Formatted.", "success")
    elif action == "save" and not checked.diagnostics:
        return _save(code, text)
    status = 422 if checked.diagnostics and action != "check" else 200
    return _page(code, found, text, checked), status


def _save(code: str, text: str) -> Any:
    user = current_user()
    assert user is not None
    try:
        posted = rulesets.post_version(current_oms(), code, text, actor=user.actor)
    except InvalidInput as err:  # checked above: only what storing adds (say, a name too long)
        flash("; ".join(e.message for e in err.errors), "error")
        return _page(code, channel_versions(code), text, None), 422
    number = posted.version["version"]
    if posted.created:
        flash(f"Saved as version {number} (not active yet: activate it from the versions list).", "success")
    else:
        flash(f"The text is version {number}'s: nothing new to save.", "info")
    return redirect(url_for("admin.rules_channel", code=code, version=number))


def _page(code: str, found: dict[str, Any], text: str, checked: Any, opened: int | None = None) -> str:
    return render_template(
        "admin/rules/channel.html",
        code=code,
        found=found,
        text=text,
        checked=checked,
        opened=opened,
        lines=max(1, text.count("\n") + 1),
        can_edit=may("merchant"),
        max_text=MAX_RULES_TEXT,
    )


def channel_versions(code: str) -> dict[str, Any]:
    """The channel's versions; 404 for a channel the user does not see (as if it did not exist)."""
    if not user_sees(code):
        abort(404, f"no channel {code!r}")
    return rulesets.versions(current_oms(), code)


def version_arg(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit() or not 0 < int(value) < 2**31:
        abort(404, f"no version {value!r}")
    return int(value)


def name_arg(value: str | None) -> str | None:
    if not value:
        return None
    if len(value) > MAX_NAME or "\x00" in value:
        abort(404, "no such ruleset")
    return value


def starting_text(code: str, found: dict[str, Any], number: int | None, name: str | None = None) -> str:
    """The asked version's text, else the active one's, else the latest one's, else an empty ruleset."""
    if number is None:
        active = found["active"]
        if active is not None:
            return rulesets.version(current_oms(), code, active["version"], active["name"])["text"]
        if not found["versions"]:
            return f'ruleset "{found["name"]}" version 1\n\n'
        number = found["versions"][0]["version"]
    return rulesets.version(current_oms(), code, number, name or found["name"])["text"]
