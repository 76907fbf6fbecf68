"""Refunds of an order: list, release (when the channel does not release them at once), cancel."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.http.auth import caller, not_found_unless_seen, requires
from api.http.bodies import json_response
from api.http.extensions import Blueprint, current_oms
from api.http.idempotency import idempotent
from api.http.order_scope import order_in_view
from api.http.problems import Problem
from api.http.refunds.schemas import RefundSchema
from oms.service import refunds as service

blp = Blueprint("refunds", __name__, url_prefix="/v1/orders", description="Refunds and their release")
ITEM = "/<string(maxlength=64):channel>/<string(maxlength=64):order_id>/refunds"
STEP = f"{ITEM}/<int(min=1, max=2147483647):refund_id>"


@blp.route(ITEM)
class Refunds(MethodView):
    @requires("support")
    @blp.response(200, RefundSchema(many=True))
    def get(self, channel: str, order_id: str) -> Any:
        """The order's refunds and appeasements (as `oms refunds list --json`)."""
        not_found_unless_seen(channel, f"order {order_id!r} in channel {channel!r}")
        return json_response(service.list_refunds(current_oms(), order_id, channel))


def refund_step(kind: str | None, channel: str, order_id: str, refund_id: int, handler: Any) -> Any:
    """Run ``handler`` on a refund of this order (of ``kind`` when given), or 404."""
    not_found_unless_seen(channel, f"order {order_id!r} in channel {channel!r}")
    app = current_oms()
    mine = [r for r in service.list_refunds(app, order_id, channel, kind) if r["id"] == refund_id]
    if not mine:
        what = kind or "refund"
        raise Problem(404, "not-found", f"no {what} {refund_id} of order {order_id!r} in channel {channel!r}")
    return json_response(handler(app, refund_id, caller().actor))


@blp.route(f"{STEP}/release", methods=["POST"])
@requires("support")
@order_in_view
@idempotent
@blp.response(200, RefundSchema)
def release(channel: str, order_id: str, refund_id: int) -> Any:
    """Release a refund waiting for release: `refund.released` goes to the payment integration."""
    return refund_step(None, channel, order_id, refund_id, service.release_refund)


@blp.route(f"{STEP}/cancel", methods=["POST"])
@requires("support")
@order_in_view
@idempotent
@blp.response(200, RefundSchema)
def cancel(channel: str, order_id: str, refund_id: int) -> Any:
    """Cancel a refund not yet released."""
    return refund_step(None, channel, order_id, refund_id, service.cancel_refund)
