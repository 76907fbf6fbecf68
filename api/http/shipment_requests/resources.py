"""Shipment requests: what each source is asked to ship, and the steps sources report on them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView

from api.http.auth import caller, requires
from api.http.bodies import json_response
from api.http.extensions import Blueprint, current_oms
from api.http.idempotency import idempotent
from api.http.pagination import decode_cursor, page, page_limit
from api.http.shipment_requests.schemas import (
    DeclineSchema,
    RequestListArgs,
    RequestPageSchema,
    ShipSchema,
    StepDoneSchema,
)
from oms.service import fulfillment
from oms.service.fulfillment import StepDone
from oms.service.listing import list_requests

blp = Blueprint(
    "shipment_requests", __name__, url_prefix="/v1/shipment-requests", description="Shipment requests and their steps"
)
ITEM = "/<int(min=1, max=2147483647):request_id>"


@blp.route("")
class ShipmentRequests(MethodView):
    @requires("integration", "support")
    @blp.arguments(RequestListArgs, location="query", as_kwargs=True)
    @blp.response(200, RequestPageSchema)
    def get(self, cursor: str | None = None, limit: int | None = None, **filters: Any) -> Any:
        """List shipment requests by source and status, newest first (cursor pagination)."""
        position = decode_cursor(cursor, {"before": int})
        size = page_limit({"limit": limit})
        found = list_requests(
            current_oms(),
            filters.get("source"),
            filters.get("status"),
            caller().channels,
            size,
            position["before"] if position else None,
        )
        return page(found.items, {"before": found.next_after} if found.next_after is not None else None, size)


def _simple_step(name: str, step: Callable[..., StepDone], summary: str) -> None:
    def view(request_id: int) -> Any:
        who = caller()
        return json_response(step(current_oms(), request_id, actor=who.actor, channels=who.channels).as_json())

    view.__name__ = name
    view.__doc__ = summary
    blp.route(f"{ITEM}/{name}", methods=["POST"])(
        requires("integration")(idempotent(blp.response(200, StepDoneSchema)(view)))
    )


_simple_step("ack", fulfillment.acknowledge, "The source received the request (lines RECEIVEDBYLOGISTICS).")
_simple_step(
    "pick", fulfillment.pick, "Picked (home and ship-to-store: PICKCONFIRMED; in store: ready for collection)."
)
_simple_step("pack", fulfillment.pack, "Packed (home and ship-to-store requests).")
_simple_step("receive", fulfillment.receive, "Ship-to-store goods arrived at the pickup store.")
_simple_step("collect", fulfillment.collect, "The customer collected an in-store pickup.")


@blp.route(f"{ITEM}/ship", methods=["POST"])
@requires("integration")
@idempotent
@blp.arguments(ShipSchema)
@blp.response(200, StepDoneSchema)
def ship(args: dict[str, Any], request_id: int) -> Any:
    """One package left the source: the given units, or every open unit of the request."""
    who = caller()
    lines = {ln["line_id"]: ln.get("quantity") for ln in args["lines"]} if "lines" in args else None
    done = fulfillment.ship(
        current_oms(),
        request_id,
        args["carrier"],
        args["tracking"],
        actor=who.actor,
        lines=lines,
        channels=who.channels,
    )
    return json_response(done.as_json())


@blp.route(f"{ITEM}/decline", methods=["POST"])
@requires("integration")
@idempotent
@blp.arguments(DeclineSchema)
@blp.response(200, StepDoneSchema)
def decline(args: dict[str, Any], request_id: int) -> Any:
    """The source cannot fulfil: the lines are declined and sourced again elsewhere."""
    who = caller()
    lines = {ln["line_id"]: ln.get("quantity") for ln in args["lines"]} if "lines" in args else None
    done = fulfillment.decline(
        current_oms(), request_id, lines, args.get("note"), actor=who.actor, channels=who.channels
    )
    return json_response(done.as_json())
