"""Exchanges of an order: shipped units back on a return that refunds nothing, new SKUs in a linked order."""

from __future__ import annotations

from typing import Any

from api.http.auth import caller, requires
from api.http.bodies import json_response
from api.http.exchanges.schemas import ExchangeBodySchema, ExchangeSchema
from api.http.extensions import Blueprint, current_oms
from api.http.idempotency import idempotent
from api.http.order_scope import order_in_view
from oms.service.exchanges import ExchangeLine, ExchangeRequest, create_exchange

blp = Blueprint("exchanges", __name__, url_prefix="/v1/orders", description="Exchanges of shipped units")
ITEM = "/<string(maxlength=64):channel>/<string(maxlength=64):order_id>/exchanges"


@blp.route(ITEM, methods=["POST"])
@requires("support")
@order_in_view
@idempotent
@blp.arguments(ExchangeBodySchema)
@blp.response(201, ExchangeSchema)
def create(args: dict[str, Any], channel: str, order_id: str) -> Any:
    """Create an exchange order `<id>-E1` (then -E2...) of new SKUs at the value of the shipped units returned."""
    lines = {ln["line_id"]: ExchangeLine(ln["quantity"], ln["sku"], ln["new_unit_price"]) for ln in args["lines"]}
    request = ExchangeRequest(lines, args["reason"], args["source"])
    doc = create_exchange(current_oms(), order_id, channel, request, caller().actor)
    return json_response(doc, 201, {"Location": f"{blp.url_prefix}/{channel}/{doc['order_id']}"})
