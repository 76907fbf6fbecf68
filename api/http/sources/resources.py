"""``/v1/sources``: the sources of the network, one at a time.

Reading: merchant, support (and readonly, admin).  Replacing a source:
merchant with a key for every channel.  ``PUT`` needs the ``If-Match`` of a
``GET`` (428 without it, 412 when the source changed since); new sources
come with a network document (``PUT /v1/network``).
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.http.auth import caller, requires
from api.http.bodies import json_body
from api.http.catalog_guard import guard_values, shared_catalog
from api.http.extensions import Blueprint, current_oms
from api.http.pagination import PageArgs, decode_cursor, page, page_limit
from api.http.sources.schemas import SourcePageSchema, SourceSchema
from oms.service import catalog_items
from oms.service.catalog_items import SOURCE

blp = guard_values(
    Blueprint("sources", __name__, url_prefix="/v1", description="Sources: warehouses, stores, drop-shippers")
)


@blp.route("/sources")
class Sources(MethodView):
    @requires("merchant", "support")
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.response(200, SourcePageSchema)
    def get(self, **args: Any) -> tuple[dict, dict]:
        """List sources by code."""
        limit = page_limit(args)
        position = decode_cursor(args.get("cursor"), {"after": str})
        found = catalog_items.listing(current_oms(), SOURCE, position and position["after"], limit)
        return page(found.items, found.next_after and {"after": found.next_after}, limit)


@blp.route("/sources/<string(maxlength=64):code>")
class SourceItem(MethodView):
    @requires("merchant", "support")
    @blp.etag
    @blp.response(200, SourceSchema)
    def get(self, code: str) -> dict[str, Any]:
        """One source, with its ETag."""
        return catalog_items.show(current_oms(), SOURCE, code)

    @requires("merchant")
    @shared_catalog
    @blp.etag
    @blp.body(SourceSchema, "the whole source; its code may be left out")
    @blp.response(200, SourceSchema)
    def put(self, code: str) -> dict[str, Any]:
        """Replace a source (If-Match: its ETag)."""
        expect = lambda current: blp.check_etag(current, SourceSchema)  # noqa: E731
        return catalog_items.replace(current_oms(), SOURCE, code, json_body(), expect, caller().actor)
