"""Try it: rules text on one of the channel's recent orders (or an order pasted as JSON), nothing stored.

The plan with the rules and the plan without them side by side, the rules
that matched and what each did, and a map of both plans: the explanation of
``oms rules explain`` and ``POST /v1/rules/explain``, against the channel's
stored network (``api.admin.trial``).
"""

from __future__ import annotations

import json
from typing import Any

from flask import render_template, request

from api.admin.access import admin_required, user_sees
from api.admin.blueprint import bp
from api.admin.network import sources_by_code
from api.admin.pages.rules import channel_versions, name_arg, starting_text, version_arg
from api.admin.trial import STRATEGY_CHOICES, try_rules
from api.http.extensions import current_oms
from oms.errors import FieldError, InvalidInput
from oms.service import trials
from oms.service.rulesets import MAX_RULES_TEXT

MAX_ORDER_JSON = 1_000_000  # characters of a pasted order


@bp.route("/rules/<string(maxlength=64):code>/try", methods=["GET"])
@admin_required("merchant")
def rules_try_form(code: str) -> Any:
    """The form: rules text (a version's, by default the active one's), an order, a strategy."""
    found = channel_versions(code)
    number = version_arg(request.args.get("version"))
    text = starting_text(code, found, number, name_arg(request.args.get("name")))
    return _page(code, {"text": text, "order_id": request.args.get("order", ""), "strategy": "optimal"})


@bp.route("/rules/<string(maxlength=64):code>/try", methods=["POST"])
@admin_required("merchant")
def rules_try(code: str) -> Any:
    """Explain the rules on the order: both plans, the rules that matched, the map."""
    channel_versions(code)  # 404 for a channel the user does not see
    form = {
        "text": request.form.get("text", "").replace("\r\n", "\n"),
        "order_id": request.form.get("order_id", "").strip(),
        "order_json": request.form.get("order_json", "").strip(),
        "strategy": request.form.get("strategy", "optimal"),
    }
    if not form["order_id"] and not form["order_json"]:
        return _page(code, form, note="Pick one of the channel's recent orders or paste an order to try the rules on.")
    try:
        order = _order(code, form)
        if len(form["text"]) > MAX_RULES_TEXT:
            raise InvalidInput([FieldError("rules", f"must be at most {MAX_RULES_TEXT:,} characters")])
        trial = try_rules(current_oms(), form["text"], order, sources_by_code(current_oms()), form["strategy"])
    except InvalidInput as err:
        return _page(code, form, errors=err.errors), 422
    return _page(code, form, trial=trial)


def _order(code: str, form: dict[str, str]) -> dict[str, Any]:
    """The pasted order (its channel defaults to this one), else the stored order picked from the list."""
    if not form["order_json"]:
        return trials.order_document(current_oms(), form["order_id"][:64], code)
    if len(form["order_json"]) > MAX_ORDER_JSON:
        raise InvalidInput([FieldError("order", f"must be at most {MAX_ORDER_JSON:,} characters of JSON")])
    try:
        order = json.loads(form["order_json"])
    except (ValueError, RecursionError) as err:
        raise InvalidInput([FieldError("order", f"is not JSON: {str(err)[:200]}")]) from None
    if not isinstance(order, dict):
        raise InvalidInput([FieldError("order", "must be a JSON object (an order as POST /v1/orders takes it)")])
    order.setdefault("channel", code)
    if isinstance(order["channel"], str) and not user_sees(order["channel"]):
        raise InvalidInput([FieldError("order.channel", f"no channel {order['channel']!r}")])
    return order


def _page(code: str, form: dict[str, str], trial: Any = None, errors: Any = (), note: str | None = None) -> str:
    recent = trials.recent_orders(current_oms(), code)
    return render_template(
        "admin/rules/try.html",
        code=code,
        form=form,
        recent=recent,
        strategies=STRATEGY_CHOICES,
        trial=trial,
        errors=list(errors),
        note=note,
        max_text=MAX_RULES_TEXT,
    )
