"""Reshipments of an order: shipped units sent again, free, in a linked order."""

from __future__ import annotations

from typing import Any

from api.http.auth import caller, requires
from api.http.bodies import json_response
from api.http.extensions import Blueprint, current_oms
from api.http.idempotency import idempotent
from api.http.order_scope import order_in_view
from api.http.reshipments.schemas import ReshipmentBodySchema, ReshipmentSchema
from oms.service.reshipments import reship

blp = Blueprint("reshipments", __name__, url_prefix="/v1/orders", description="Reshipments of lost or damaged units")
ITEM = "/<string(maxlength=64):channel>/<string(maxlength=64):order_id>/reshipments"


@blp.route(ITEM, methods=["POST"])
@requires("support")
@order_in_view
@idempotent
@blp.arguments(ReshipmentBodySchema)
@blp.response(201, ReshipmentSchema)
def create(args: dict[str, Any], channel: str, order_id: str) -> Any:
    """Create a reshipment order `<id>-R1` (then -R2...) of shipped units, price zero, sourced like any order."""
    lines = {ln["line_id"]: ln["quantity"] for ln in args["lines"]}
    doc = reship(current_oms(), order_id, channel, lines, args["reason"], caller().actor)
    return json_response(doc, 201, {"Location": f"{blp.url_prefix}/{channel}/{doc['order_id']}"})
