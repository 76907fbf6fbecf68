"""One order, for customer service: its lines and units, shipment requests, money, timeline and comments.

The page shows the actions the user's role allows and the order's state
permits (``order_actions``); the OMS itself still decides, and a refusal is
explained on the page from its own message.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import abort, render_template

from api.admin.access import admin_required, may, user_sees
from api.admin.blueprint import bp
from api.http.extensions import current_oms
from oms.domain.cancellation import CANCEL_REASONS
from oms.domain.holds import HOLD_REASONS
from oms.domain.post_sales import APPEASEMENT_REASONS, RESHIPMENT_REASONS, RETURN_REASONS
from oms.service.comments import list_comments
from oms.service.views import order_view

ORDER = "/orders/<string(maxlength=64):channel>/<string(maxlength=64):order_id>"
FINAL = ("COMPLETE", "CANCELLED")
DONE = ("SHIPPED", "PRESHIPPED", "CANCELLED", "COLLECTED")  # unit statuses nothing can cancel any more
OPEN_REFUNDS = ("requested", "pending_release")


def seen_order(channel: str, order_id: str) -> dict[str, Any]:
    """The order's view, or the 404 page when the user may not see its channel (as for a missing order)."""
    if not user_sees(channel):
        abort(404, f"no order {order_id!r} in channel {channel!r}")
    return order_view(current_oms(), order_id, channel)


@bp.route(ORDER)
@admin_required("support")
def order(channel: str, order_id: str) -> Any:
    """The order page."""
    doc = seen_order(channel, order_id)
    return render_template(
        "admin/order.html",
        order=doc,
        comments=list_comments(current_oms(), order_id, channel),
        can=possible_actions(doc) if may("support") else set(),
        shipped=shipped_units(doc),
        cancel_reasons=CANCEL_REASONS,
        hold_reasons=sorted(HOLD_REASONS),
        return_reasons=RETURN_REASONS,
        appeasement_reasons=APPEASEMENT_REASONS,
        reshipment_reasons=RESHIPMENT_REASONS,
    )


def shipped_units(doc: dict[str, Any]) -> dict[str, int]:
    """Units shipped (or handed over) per line: what a return or a reshipment may name."""
    return {
        line["line_id"]: sum(n for key, n in line["units"].items() if key in ("SHIPPED", "PRESHIPPED", "COLLECTED"))
        for line in doc["lines"]
    }


def possible_actions(doc: dict[str, Any]) -> set[str]:
    """The actions the order's state permits (the OMS checks again, and its word is final)."""
    status = doc["status"]
    can = {"comment"}
    open_units = any(k not in DONE for line in doc["lines"] for k in line["units"])
    if status not in FINAL and open_units:
        can |= {"cancel", "cancel_lines", "price"}
        if status != "ONHOLD":
            can.add("hold")
    if status == "ONHOLD":
        can.add("release")
    if any(shipped_units(doc).values()):
        can |= {"return_authorize", "reship", "exchange"}
    if any(r["status"] == "requested" for r in doc["returns"]):
        can |= {"return_approve", "return_cancel"}
    if any(r["status"] == "approved" for r in doc["returns"]):
        can |= {"return_receive", "return_cancel"}
    if any(r["status"] in OPEN_REFUNDS for r in doc["refunds"]):
        can |= {"refund_release", "refund_cancel"}
    if Decimal(doc["money"]["refundable"] or "0") > 0:
        can.add("appease")
    return can
