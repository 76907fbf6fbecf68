"""Customer service on an order: comments, manual holds, and releasing orders whose remorse period is over."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask.views import MethodView

from api.http.auth import caller, not_found_unless_seen, requires
from api.http.bodies import json_response
from api.http.extensions import Blueprint, current_oms
from api.http.idempotency import idempotent
from api.http.order_care.schemas import (
    CommentListSchema,
    CommentSchema,
    HeldSchema,
    HoldSchema,
    NewCommentSchema,
    ReleasedDueSchema,
)
from oms.service.comments import add_comment, list_comments
from oms.service.holds import hold_order, release_due

blp = Blueprint("order_care", __name__, url_prefix="/v1/orders", description="Comments, manual holds, remorse")
ITEM = "/<string(maxlength=64):channel>/<string(maxlength=64):order_id>"
F = TypeVar("F", bound=Callable[..., Any])


def seen_order(view: F) -> F:
    """404 for another channel's order before the body is even read (the same answer as for a missing order)."""

    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        not_found_unless_seen(kwargs["channel"], f"order {kwargs['order_id']!r} in channel {kwargs['channel']!r}")
        return view(*args, **kwargs)

    return guarded  # type: ignore[return-value]


@blp.route(f"{ITEM}/comments")
class Comments(MethodView):
    @requires("support", "integration")
    @blp.response(200, CommentListSchema)
    def get(self, channel: str, order_id: str) -> Any:
        """The order's comments, oldest first."""
        not_found_unless_seen(channel, f"order {order_id!r} in channel {channel!r}")
        return json_response({"items": list_comments(current_oms(), order_id, channel)})

    @requires("support", "integration")
    @idempotent
    @seen_order
    @blp.arguments(NewCommentSchema)
    @blp.response(201, CommentSchema)
    def post(self, args: dict[str, Any], channel: str, order_id: str) -> Any:
        """Add a comment (1 to 4,000 characters; visibility internal or customer)."""
        not_found_unless_seen(channel, f"order {order_id!r} in channel {channel!r}")
        added = add_comment(current_oms(), order_id, args["text"], channel, args["visibility"], caller().actor)
        return json_response(added, 201)


@blp.route(f"{ITEM}/hold", methods=["POST"])
@requires("support")
@idempotent
@seen_order
@blp.arguments(HoldSchema)
@blp.response(200, HeldSchema)
def hold(args: dict[str, Any], channel: str, order_id: str) -> Any:
    """Put the order on hold for a reason code; NEW shipment requests are cancelled (release with /release)."""
    not_found_unless_seen(channel, f"order {order_id!r} in channel {channel!r}")
    held = hold_order(current_oms(), order_id, args["reason"], args.get("note"), channel, caller().actor)
    return json_response(held)


@blp.route("/release-due", methods=["POST"])
@requires("support")
@idempotent
@blp.response(200, ReleasedDueSchema)
def release_due_orders() -> Any:
    """Release and source every order whose channel's remorse period is over."""
    return json_response({"released": release_due(current_oms(), actor=caller().actor)})
