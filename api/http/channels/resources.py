"""``/v1/channels``: sales channels, the sources each sells from, and their settings.

Reading: merchant, support (and readonly, admin); replacing: merchant.  A
key limited to channels sees and edits only those (404 for the others, as
for a channel that does not exist).  ``PUT`` needs the ``If-Match`` of a
``GET`` (428 without it, 412 when the channel changed since).  The active
ruleset has its own resource (``/v1/channels/{code}/rulesets``).
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.http.auth import caller, requires
from api.http.bodies import json_body
from api.http.catalog_guard import channel_in_path, guard_values
from api.http.channels.schemas import ChannelPageSchema, ChannelSchema
from api.http.extensions import Blueprint, current_oms
from api.http.pagination import PageArgs, decode_cursor, page, page_limit
from oms.service import catalog_items
from oms.service.catalog_items import CHANNEL

blp = guard_values(Blueprint("channels", __name__, url_prefix="/v1", description="Sales channels and their sources"))


@blp.route("/channels")
class Channels(MethodView):
    @requires("merchant", "support")
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.response(200, ChannelPageSchema)
    def get(self, **args: Any) -> tuple[dict, dict]:
        """List channels by code (a key limited to channels lists those)."""
        limit = page_limit(args)
        position = decode_cursor(args.get("cursor"), {"after": str})
        found = catalog_items.listing(current_oms(), CHANNEL, position and position["after"], limit)
        seen = [item for item in found.items if caller().sees(item["code"])]
        return page(seen, found.next_after and {"after": found.next_after}, limit)


@blp.route("/channels/<string(maxlength=64):code>")
class ChannelItem(MethodView):
    @requires("merchant", "support")
    @channel_in_path
    @blp.etag
    @blp.response(200, ChannelSchema)
    def get(self, code: str) -> dict[str, Any]:
        """One channel, with its ETag."""
        return catalog_items.show(current_oms(), CHANNEL, code)

    @requires("merchant")
    @channel_in_path
    @blp.etag
    @blp.body(ChannelSchema, 'the whole channel; "sources" is "*" or a list of codes or {source, priority}')
    @blp.response(200, ChannelSchema)
    def put(self, code: str) -> dict[str, Any]:
        """Replace a channel's settings and sources (If-Match: its ETag)."""
        expect = lambda current: blp.check_etag(current, ChannelSchema)  # noqa: E731
        return catalog_items.replace(current_oms(), CHANNEL, code, json_body(), expect, caller().actor)
