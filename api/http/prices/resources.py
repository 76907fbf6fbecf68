"""A line's price, adjusted while a store picks it (MOM's price adjustment); a decrease is refunded at once."""

from __future__ import annotations

from typing import Any

from api.http.auth import caller, requires
from api.http.bodies import json_response
from api.http.extensions import Blueprint, current_oms
from api.http.idempotency import idempotent
from api.http.order_scope import order_in_view
from api.http.prices.schemas import PriceAdjustmentSchema, PriceBodySchema
from oms.service.price_adjustments import adjust_price

blp = Blueprint("prices", __name__, url_prefix="/v1/orders", description="Price adjustments during store picking")
ITEM = "/<string(maxlength=64):channel>/<string(maxlength=64):order_id>/lines/<string(maxlength=64):line_id>/price"


@blp.route(ITEM, methods=["POST"])
@requires("support", "integration")
@order_in_view
@idempotent
@blp.arguments(PriceBodySchema)
@blp.response(201, PriceAdjustmentSchema)
def adjust(args: dict[str, Any], channel: str, order_id: str, line_id: str) -> Any:
    """Change the unit price of a line a store is picking, within the channel's limits."""
    doc = adjust_price(current_oms(), order_id, channel, line_id, args["price"], caller().actor)
    return json_response(doc, 201)
