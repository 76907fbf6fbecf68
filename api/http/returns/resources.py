"""Returns of an order: authorize, list, approve, cancel, receive (the refund is computed on receipt)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.http.auth import caller, not_found_unless_seen, requires
from api.http.bodies import json_response
from api.http.extensions import Blueprint, current_oms
from api.http.idempotency import idempotent
from api.http.order_scope import order_in_view
from api.http.problems import Problem
from api.http.returns.schemas import ReceiveBodySchema, ReturnBodySchema, ReturnSchema
from oms.service import returns as service

blp = Blueprint("returns", __name__, url_prefix="/v1/orders", description="Returns (RMA) of shipped units")
ITEM = "/<string(maxlength=64):channel>/<string(maxlength=64):order_id>/returns"
STEP = f"{ITEM}/<int(min=1, max=2147483647):return_id>"


@blp.route(ITEM)
class Returns(MethodView):
    @requires("support")
    @blp.response(200, ReturnSchema(many=True))
    def get(self, channel: str, order_id: str) -> Any:
        """The order's returns (as `oms returns list --json`)."""
        not_found_unless_seen(channel, f"order {order_id!r} in channel {channel!r}")
        return json_response(service.list_returns(current_oms(), order_id, channel))

    @requires("support")
    @order_in_view
    @idempotent
    @blp.arguments(ReturnBodySchema)
    @blp.response(201, ReturnSchema)
    def post(self, args: dict[str, Any], channel: str, order_id: str) -> Any:
        """Authorize a return of shipped units (approved at once when the channel auto-approves returns)."""
        not_found_unless_seen(channel, f"order {order_id!r} in channel {channel!r}")
        request = service.ReturnRequest(
            {ln["line_id"]: ln["quantity"] for ln in args["lines"]}, args["reason"], args["description"], args["source"]
        )
        doc = service.authorize_return(current_oms(), order_id, channel, request, caller().actor)
        return json_response(doc, 201, {"Location": f"{blp.url_prefix}/{channel}/{order_id}/returns/{doc['id']}"})


def check_belongs(channel: str, order_id: str, return_id: int) -> None:
    """404 unless the return is one of this order's."""
    not_found_unless_seen(channel, f"order {order_id!r} in channel {channel!r}")
    found = service.show_return(current_oms(), return_id)
    if (found["channel"], found["order_id"]) != (channel, order_id):
        raise Problem(404, "not-found", f"no return {return_id} of order {order_id!r} in channel {channel!r}")


@blp.route(STEP)
class ReturnItem(MethodView):
    @requires("support")
    @blp.response(200, ReturnSchema)
    def get(self, channel: str, order_id: str, return_id: int) -> Any:
        """One return with its lines and their condition."""
        check_belongs(channel, order_id, return_id)
        return json_response(service.show_return(current_oms(), return_id))


@blp.route(f"{STEP}/approve", methods=["POST"])
@requires("support")
@order_in_view
@idempotent
@blp.response(200, ReturnSchema)
def approve(channel: str, order_id: str, return_id: int) -> Any:
    """Approve a requested return."""
    check_belongs(channel, order_id, return_id)
    return json_response(service.approve_return(current_oms(), return_id, caller().actor))


@blp.route(f"{STEP}/cancel", methods=["POST"])
@requires("support")
@order_in_view
@idempotent
@blp.response(200, ReturnSchema)
def cancel(channel: str, order_id: str, return_id: int) -> Any:
    """Cancel a return not yet received."""
    check_belongs(channel, order_id, return_id)
    return json_response(service.cancel_return(current_oms(), return_id, caller().actor))


@blp.route(f"{STEP}/receive", methods=["POST"])
@requires("support", "integration")
@order_in_view
@idempotent
@blp.arguments(ReceiveBodySchema)
@blp.response(200, ReturnSchema)
def receive(args: dict[str, Any], channel: str, order_id: str, return_id: int) -> Any:
    """Receive a return with each unit's condition; the refund rules compute the refund."""
    check_belongs(channel, order_id, return_id)
    damaged = {ln["line_id"]: ln["quantity"] for ln in args["damaged"]}
    return json_response(service.receive_return(current_oms(), return_id, damaged, caller().actor))
