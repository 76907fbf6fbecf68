"""Orders: intake, the order view with its timeline, lists, cancellation, release and re-sourcing."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.http.auth import caller, not_found_unless_seen, requires
from api.http.bodies import json_body, json_response
from api.http.extensions import Blueprint, current_oms
from api.http.idempotency import idempotent
from api.http.observability import ORDERS_PLACED
from api.http.orders.export import csv_page, wants_csv
from api.http.orders.schemas import (
    CancelledSchema,
    CancelSchema,
    OrderListArgs,
    OrderPageSchema,
    OrderViewSchema,
    PlacedSchema,
    ReleasedSchema,
    ResourcedSchema,
    ResourceSchema,
)
from api.http.pagination import decode_cursor, page, page_limit
from oms.errors import FieldError, InvalidInput
from oms.schemas import IntakeOrderSchema
from oms.service import orders as service
from oms.service.listing import OrderFilter, list_orders
from oms.service.views import order_view

blp = Blueprint("orders", __name__, url_prefix="/v1/orders", description="Orders: intake, views, cancellation")
ITEM = "/<string(maxlength=64):channel>/<string(maxlength=64):order_id>"


@blp.route("")
class Orders(MethodView):
    @requires("integration", "support")
    @blp.arguments(OrderListArgs, location="query", as_kwargs=True)
    @blp.response(200, OrderPageSchema)
    @blp.alt_response(200, description="With `Accept: text/csv`: the page as CSV, the order grid's columns")
    def get(self, cursor: str | None = None, limit: int | None = None, **filters: Any) -> Any:
        """Search orders (id prefix, customer name, email, phone, postcode, ...), newest first; CSV on request."""
        who = caller()
        if filters.get("channel") is not None and not who.sees(filters["channel"]):
            return page([], None, page_limit({"limit": limit}))
        where = OrderFilter(newest_first=filters.pop("sort") == "newest", channels=who.channels, **filters)
        position = decode_cursor(cursor, {"after": int})
        size = page_limit({"limit": limit})
        found = list_orders(current_oms(), where, size, position["after"] if position else None)
        if wants_csv():
            return csv_page(found.items, {"after": found.next_after} if found.next_after is not None else None, size)
        return page(found.items, {"after": found.next_after} if found.next_after is not None else None, size)

    @requires("integration")
    @idempotent
    @blp.body(IntakeOrderSchema, "The order, as the engine's contract plus type and original_order_id")
    @blp.response(201, PlacedSchema, description="Placed; Location names the order")
    @blp.alt_response(200, schema=PlacedSchema, description="The same payload was placed before: that order")
    def post(self) -> Any:
        """Place an order (sourced at once unless its channel sources in batches)."""
        doc = json_body()
        who = caller()
        if isinstance(doc, dict) and isinstance(doc.get("channel"), str) and not who.sees(doc["channel"]):
            raise InvalidInput([FieldError("channel", f"this API key may not place orders in {doc['channel']!r}")])
        try:
            placed = service.place_order(current_oms(), doc, actor=who.actor)
        except InvalidInput:
            ORDERS_PLACED.labels("-", "invalid").inc()
            raise
        ORDERS_PLACED.labels(placed.channel, "created" if placed.created else "existing").inc()
        location = f"{blp.url_prefix}/{placed.channel}/{placed.order_id}"
        return json_response(placed.as_json(), 201 if placed.created else 200, {"Location": location})


@blp.route(ITEM)
class OrderItem(MethodView):
    @requires("integration", "support")
    @blp.response(200, OrderViewSchema)
    def get(self, channel: str, order_id: str) -> Any:
        """The order with its lines, shipment requests and timeline (as `oms orders show --json`)."""
        not_found_unless_seen(channel, f"order {order_id!r} in channel {channel!r}")
        return json_response(order_view(current_oms(), order_id, channel))


@blp.route(f"{ITEM}/cancel", methods=["POST"])
@requires("support")
@idempotent
@blp.arguments(CancelSchema)
@blp.response(200, CancelledSchema)
def cancel(args: dict[str, Any], channel: str, order_id: str) -> Any:
    """Cancel the whole order, or some units of some lines (MOM's cancellation rules)."""
    not_found_unless_seen(channel, f"order {order_id!r} in channel {channel!r}")
    lines = {ln["line_id"]: ln.get("quantity") for ln in args["lines"]} if "lines" in args else None
    app = current_oms()
    units = service.cancel_order(app, order_id, lines, channel, args["reason"], actor=caller().actor)
    doc = order_view(app, order_id, channel)
    return json_response({"cancelled_units": units, "status": doc["status"], "reason": doc["reason"]})


@blp.route(f"{ITEM}/release", methods=["POST"])
@requires("support")
@idempotent
@blp.response(200, ReleasedSchema)
def release(channel: str, order_id: str) -> Any:
    """Release an order held by the rules, and source it."""
    not_found_unless_seen(channel, f"order {order_id!r} in channel {channel!r}")
    placed = service.release_hold(current_oms(), order_id, channel, actor=caller().actor)
    released = placed.as_json()
    return json_response({k: released[k] for k in ("order_id", "channel", "status", "reason")})  # as the CLI says


@blp.route("/resource", methods=["POST"])
@requires("support")
@idempotent
@blp.arguments(ResourceSchema)
@blp.response(200, ResourcedSchema)
def resource(args: dict[str, Any]) -> Any:
    """Source waiting orders again, oldest first (backorders, bundles, batch waves), and flag old backorders."""
    app, actor = current_oms(), caller().actor
    count = service.resource_waiting(app, set(args["skus"]) or None, include_new=args["batch"], actor=actor)
    flagged = service.flag_exceptions(app, actor=actor)
    return json_response({"orders_sourced": count, "backorder_exceptions_flagged": flagged})
