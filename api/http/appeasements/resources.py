"""Appeasements of an order: goodwill refunds without a return, counted against what was paid."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.http.appeasements.schemas import AppeasementBodySchema, RefundSchema
from api.http.auth import caller, not_found_unless_seen, requires
from api.http.bodies import json_response
from api.http.extensions import Blueprint, current_oms
from api.http.idempotency import idempotent
from api.http.order_scope import order_in_view
from api.http.refunds.resources import refund_step
from oms.service import refunds as service

blp = Blueprint("appeasements", __name__, url_prefix="/v1/orders", description="Appeasements (goodwill refunds)")
ITEM = "/<string(maxlength=64):channel>/<string(maxlength=64):order_id>/appeasements"
STEP = f"{ITEM}/<int(min=1, max=2147483647):appeasement_id>"


@blp.route(ITEM)
class Appeasements(MethodView):
    @requires("support")
    @blp.response(200, RefundSchema(many=True))
    def get(self, channel: str, order_id: str) -> Any:
        """The order's appeasements."""
        not_found_unless_seen(channel, f"order {order_id!r} in channel {channel!r}")
        return json_response(service.list_refunds(current_oms(), order_id, channel, "appeasement"))

    @requires("support")
    @order_in_view
    @idempotent
    @blp.arguments(AppeasementBodySchema)
    @blp.response(201, RefundSchema)
    def post(self, args: dict[str, Any], channel: str, order_id: str) -> Any:
        """Create an appeasement on the order (`amount`) or on lines; refused beyond what is still refundable."""
        not_found_unless_seen(channel, f"order {order_id!r} in channel {channel!r}")
        lines = {ln["line_id"]: ln["amount"] for ln in args["lines"]}
        request = service.Appeasement(args["reason"], args["amount"], lines, args["note"])
        doc = service.appease(current_oms(), order_id, channel, request, caller().actor)
        location = f"{blp.url_prefix}/{channel}/{order_id}/appeasements/{doc['id']}"
        return json_response(doc, 201, {"Location": location})


@blp.route(f"{STEP}/release", methods=["POST"])
@requires("support")
@order_in_view
@idempotent
@blp.response(200, RefundSchema)
def release(channel: str, order_id: str, appeasement_id: int) -> Any:
    """Release an appeasement waiting for release."""
    return refund_step("appeasement", channel, order_id, appeasement_id, service.release_refund)


@blp.route(f"{STEP}/cancel", methods=["POST"])
@requires("support")
@order_in_view
@idempotent
@blp.response(200, RefundSchema)
def cancel(channel: str, order_id: str, appeasement_id: int) -> Any:
    """Cancel an appeasement not yet released."""
    return refund_step("appeasement", channel, order_id, appeasement_id, service.cancel_refund)
