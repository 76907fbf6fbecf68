"""``/v1/channels/{code}/rulesets``: post a new version of a channel's rules, activate one, read them.

Reading: merchant, support (and readonly, admin); posting and activating:
merchant.  A key limited to channels reaches only those channels' rulesets.
Posting stores a version (text that does not check is refused with every
diagnostic at ``NAME:LINE:COL``) and does not activate it; posting the
latest text again answers 200 with that version instead of 201.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView

from api.http.auth import caller, requires
from api.http.catalog_guard import channel_in_path, guard_values
from api.http.extensions import Blueprint, current_oms
from api.http.idempotency import idempotent
from api.http.rulesets.schemas import (
    ActivateSchema,
    HistorySchema,
    NameArgs,
    NewVersionSchema,
    RulesetVersionSchema,
    RulesetVersionsSchema,
)
from oms.service import rulesets

blp = guard_values(
    Blueprint(
        "rulesets",
        __name__,
        url_prefix="/v1/channels/<string(maxlength=64):code>/rulesets",
        description="A channel's rulesets",
    )
)


@blp.route("")
class Rulesets(MethodView):
    @requires("merchant", "support")
    @channel_in_path
    @blp.response(200, RulesetVersionsSchema)
    def get(self, code: str) -> dict[str, Any]:
        """The channel's ruleset versions, newest first, and the active one."""
        return rulesets.versions(current_oms(), code)

    @requires("merchant")
    @channel_in_path
    @idempotent
    @blp.arguments(NewVersionSchema)
    @blp.response(201, RulesetVersionSchema)
    @blp.alt_response(200, schema=RulesetVersionSchema, description="the text is the latest version's")
    def post(self, body: dict[str, Any], code: str) -> tuple[dict, int, dict]:
        """Store a new version of the channel's ruleset (not activated)."""
        posted = rulesets.post_version(current_oms(), code, body["text"], body.get("name"), caller().actor)
        v = posted.version
        where = url_for("rulesets.RulesetVersion", code=code, version=v["version"], name=v["name"])
        return v, 201 if posted.created else 200, {"Location": where}


@blp.route("/<int:version>")
class RulesetVersion(MethodView):
    @requires("merchant", "support")
    @channel_in_path
    @blp.etag
    @blp.arguments(NameArgs, location="query", as_kwargs=True)
    @blp.response(200, RulesetVersionSchema)
    def get(self, code: str, version: int, name: str | None = None) -> dict[str, Any]:
        """One version with its text."""
        return rulesets.version(current_oms(), code, version, name)


@blp.route("/<int:version>/activate", methods=["POST"])
@requires("merchant")
@channel_in_path
@idempotent
@blp.arguments(ActivateSchema, required=False)
@blp.response(200, RulesetVersionSchema)
def activate(body: dict[str, Any], code: str, version: int) -> dict[str, Any]:
    """Make a stored version the channel's active ruleset."""
    return rulesets.activate(current_oms(), code, version, (body or {}).get("name"), caller().actor)


@blp.route("/deactivate", methods=["POST"])
@requires("merchant")
@channel_in_path
@idempotent
@blp.response(200, RulesetVersionsSchema)
def deactivate(code: str) -> dict[str, Any]:
    """Leave the channel without rules (its versions stay; any may be activated again)."""
    return rulesets.deactivate(current_oms(), code, caller().actor)


@blp.route("/history")
@requires("merchant", "support")
@channel_in_path
@blp.response(200, HistorySchema)
def history(code: str) -> dict[str, Any]:
    """Every activation on the channel, the latest first."""
    return rulesets.history(current_oms(), code)
