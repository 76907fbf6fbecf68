"""Stock: messages from sources in (FULL, NONZERO, DELTA, ADJUST), stock rows and sellable quantities out."""

from __future__ import annotations

from typing import Any

from api.http.auth import caller, requires
from api.http.bodies import json_body, json_response
from api.http.extensions import Blueprint, current_oms
from api.http.idempotency import idempotent
from api.http.pagination import decode_cursor, page, page_limit
from api.http.problems import Problem
from api.http.stock.schemas import SellableArgs, SellablePageSchema, StockArgs, StockPageSchema, StockResultSchema
from oms.schemas import StockMessageSchema
from oms.service.inventory import update_stock
from oms.service.views import StockQuery, stock_page

blp = Blueprint("stock", __name__, url_prefix="/v1", description="Stock per source and sellable quantities")


@blp.route("/stock-messages", methods=["POST"])
@requires("integration")
@idempotent
@blp.body(StockMessageSchema, "The same document as `oms stock update`")
@blp.response(200, StockResultSchema)
def post_stock_message(**_: Any) -> Any:
    """Apply a stock message; orders waiting for stock that grew are sourced again."""
    return json_response(update_stock(current_oms(), json_body(), actor=caller().actor).as_json())


@blp.route("/stock", methods=["GET"])
@requires("integration", "support", "merchant")
@blp.arguments(StockArgs, location="query", as_kwargs=True)
@blp.response(200, StockPageSchema)
def get_stock(cursor: str | None = None, limit: int | None = None, **filters: Any) -> Any:
    """Stock rows per source, with the sellable quantity per channel; a page of SKUs at a time."""
    position = decode_cursor(cursor, {"after_sku": str})
    size = page_limit({"limit": limit})
    query = StockQuery(
        filters.get("sku"), filters.get("source"), caller().channels, position and position["after_sku"], size
    )
    doc, last = stock_page(current_oms(), query)
    after = {"after_sku": last} if last is not None else None
    return page(doc["rows"], after, size, key="rows", sellable=doc["sellable"])


@blp.route("/sellable-stock", methods=["GET"])
@requires("integration", "support", "merchant")
@blp.arguments(SellableArgs, location="query", as_kwargs=True)
@blp.response(200, SellablePageSchema)
def get_sellable(cursor: str | None = None, limit: int | None = None, **filters: Any) -> Any:
    """What each channel can sell of each SKU (null: unlimited); a page of SKUs at a time."""
    who = caller()
    channel = filters.get("channel")
    if channel is not None and not who.sees(channel):
        raise Problem(404, "not-found", f"no channel {channel!r}")
    channels = frozenset({channel}) if channel is not None else who.channels
    position = decode_cursor(cursor, {"after_sku": str})
    size = page_limit({"limit": limit})
    query = StockQuery(filters.get("sku"), None, channels, position and position["after_sku"], size)
    doc, last = stock_page(current_oms(), query)
    return page(None, {"after_sku": last} if last is not None else None, size, sellable=doc["sellable"])
