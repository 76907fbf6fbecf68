"""What customer service does on an order page: each form posts here, calls one ``oms.service`` handler
(the one the API's route calls), and returns to the order with a message.

A form's fields are checked with the API's own body schemas, so the bounds
and messages are the API's.  A refusal (bad input, an illegal transition, a
rule of the OMS) comes back as the OMS's message on the order page, never a
traceback; everything done is recorded as ``admin:NAME`` in the timeline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import flash, redirect, request, url_for
from werkzeug.datastructures import MultiDict

from api.admin.access import admin_required, current_user
from api.admin.blueprint import bp
from api.admin.pages.order import ORDER, seen_order
from api.http.exchanges.schemas import ExchangeBodySchema
from api.http.extensions import current_oms
from api.http.order_care.schemas import HoldSchema, NewCommentSchema
from api.http.orders.schemas import CancelSchema
from api.http.prices.schemas import PriceBodySchema
from api.http.returns.schemas import (
    AppeasementBodySchema,
    ReceiveBodySchema,
    ReshipmentBodySchema,
    ReturnBodySchema,
)
from oms.errors import FieldError, InvalidInput, NotFound, OmsError
from oms.limits import MAX_ROW_ID
from oms.schemas import all_errors
from oms.service import refunds, returns
from oms.service.comments import add_comment
from oms.service.exchanges import ExchangeLine, ExchangeRequest, create_exchange
from oms.service.holds import hold_order
from oms.service.orders import cancel_order, release_hold
from oms.service.price_adjustments import adjust_price
from oms.service.reshipments import reship

Action = Callable[[str, str, MultiDict, str], str]  # (channel, order id, form, actor) -> what was done
ACTIONS: dict[str, Action] = {}
MAX_QUANTITY = 1_000_000


def action(name: str) -> Callable[[Action], Action]:
    def register(handler: Action) -> Action:
        ACTIONS[name] = handler
        return handler

    return register


@bp.route(f"{ORDER}/actions/<string(maxlength=32):name>", methods=["POST"])
@admin_required("support")
def order_action(channel: str, order_id: str, name: str) -> Any:
    """Do one action on the order, then show the order again with what happened or why not."""
    seen_order(channel, order_id)  # 404 for a missing order or another channel's, before the form is read
    handler = ACTIONS.get(name)
    if handler is None:
        return _back(channel, order_id, f"no action {name!r}", "error")
    user = current_user()
    assert user is not None
    try:
        done = handler(channel, order_id, request.form, user.actor)
    except ma.ValidationError as err:
        return _back(channel, order_id, "; ".join(str(e) for e in all_errors(err.normalized_messages())), "error")
    except InvalidInput as err:
        return _back(channel, order_id, "; ".join(str(e) for e in err.errors), "error")
    except OmsError as err:
        return _back(channel, order_id, str(err), "error")
    return _back(channel, order_id, done, "success")


def _back(channel: str, order_id: str, message: str, category: str) -> Any:
    flash(message, category)
    return redirect(url_for("admin.order", channel=channel, order_id=order_id))


def _quantities(form: MultiDict, prefix: str, minimum: int = 1) -> list[dict[str, Any]]:
    """``{prefix}-{line id}`` fields with a number as [{line_id, quantity}]; blank fields are skipped."""
    lines, errors = [], []
    for key, value in form.items():
        if not key.startswith(f"{prefix}-") or not value.strip():
            continue
        line_id = key[len(prefix) + 1 :]
        text = value.strip()
        if not (len(text) <= 7 and text.isascii() and text.isdigit()) or not minimum <= int(text) <= MAX_QUANTITY:
            errors.append(FieldError(f"line {line_id}", f"quantity must be a whole number from {minimum}"))
            continue
        if int(text) >= minimum:
            lines.append({"line_id": line_id, "quantity": int(text)})
    if errors:
        raise InvalidInput(errors)
    return lines


def _fields(form: MultiDict, *names: str) -> dict[str, Any]:
    """The named fields that were filled in (a blank optional field is absent, as in a JSON body)."""
    return {n: form[n] for n in names if form.get(n, "").strip()}


def _id(form: MultiDict, name: str) -> int:
    text = form.get(name, "").strip()
    if not (len(text) <= 12 and text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_ROW_ID:
        raise InvalidInput([FieldError(name, "must be a positive whole number")])
    return int(text)


@action("comment")
def _comment(channel: str, order_id: str, form: MultiDict, actor: str) -> str:
    args = NewCommentSchema().load(_fields(form, "text", "visibility"))
    add_comment(current_oms(), order_id, args["text"], channel, args["visibility"], actor)
    return "Comment added."


@action("cancel")
def _cancel(channel: str, order_id: str, form: MultiDict, actor: str) -> str:
    args = CancelSchema().load(_fields(form, "reason"))
    units = cancel_order(current_oms(), order_id, None, channel, args["reason"], actor)
    return f"Order cancelled: {units} unit{'s' if units != 1 else ''}."


@action("cancel_lines")
def _cancel_lines(channel: str, order_id: str, form: MultiDict, actor: str) -> str:
    lines = _quantities(form, "cancel")
    if not lines:
        raise InvalidInput([FieldError("lines", "give the units to cancel on at least one line")])
    args = CancelSchema().load({"lines": lines, **_fields(form, "reason")})
    wanted = {ln["line_id"]: ln["quantity"] for ln in args["lines"]}
    units = cancel_order(current_oms(), order_id, wanted, channel, args["reason"], actor)
    return f"Cancelled {units} unit{'s' if units != 1 else ''}."


@action("hold")
def _hold(channel: str, order_id: str, form: MultiDict, actor: str) -> str:
    args = HoldSchema().load(_fields(form, "reason", "note"))
    held = hold_order(current_oms(), order_id, args["reason"], args.get("note"), channel, actor)
    return f"Order on hold ({held['reason']}); {held['units_taken_back']} unit(s) taken back from the sources."


@action("release")
def _release(channel: str, order_id: str, form: MultiDict, actor: str) -> str:
    placed = release_hold(current_oms(), order_id, channel, actor)
    return f"Order released: now {placed.status}."


@action("return_authorize")
def _return(channel: str, order_id: str, form: MultiDict, actor: str) -> str:
    body = {"lines": _quantities(form, "return"), **_fields(form, "reason", "description", "source")}
    args = ReturnBodySchema().load(body)
    wanted = {ln["line_id"]: ln["quantity"] for ln in args["lines"]}
    request_ = returns.ReturnRequest(wanted, args["reason"], args["description"], args["source"])
    doc = returns.authorize_return(current_oms(), order_id, channel, request_, actor)
    return f"Return {doc['id']} {doc['status']}."


def _own_return(channel: str, order_id: str, form: MultiDict) -> int:
    return_id = _id(form, "return_id")
    found = returns.show_return(current_oms(), return_id)
    if (found["channel"], found["order_id"]) != (channel, order_id):
        raise NotFound(f"no return {return_id} of order {order_id!r}")
    return return_id


@action("return_approve")
def _return_approve(channel: str, order_id: str, form: MultiDict, actor: str) -> str:
    doc = returns.approve_return(current_oms(), _own_return(channel, order_id, form), actor)
    return f"Return {doc['id']} {doc['status']}."


@action("return_cancel")
def _return_cancel(channel: str, order_id: str, form: MultiDict, actor: str) -> str:
    doc = returns.cancel_return(current_oms(), _own_return(channel, order_id, form), actor)
    return f"Return {doc['id']} {doc['status']}."


@action("return_receive")
def _return_receive(channel: str, order_id: str, form: MultiDict, actor: str) -> str:
    return_id = _own_return(channel, order_id, form)
    args = ReceiveBodySchema().load({"damaged": _quantities(form, "damaged", minimum=0)})
    damaged = {ln["line_id"]: ln["quantity"] for ln in args["damaged"]}
    doc = returns.receive_return(current_oms(), return_id, damaged, actor)
    refund = f"; refund {doc['refund']}" if doc.get("refund") else ""
    return f"Return {doc['id']} {doc['status']}{refund}."


def _own_refund(channel: str, order_id: str, form: MultiDict) -> int:
    refund_id = _id(form, "refund_id")
    if not any(r["id"] == refund_id for r in refunds.list_refunds(current_oms(), order_id, channel)):
        raise NotFound(f"no refund {refund_id} of order {order_id!r}")
    return refund_id


@action("refund_release")
def _refund_release(channel: str, order_id: str, form: MultiDict, actor: str) -> str:
    doc = refunds.release_refund(current_oms(), _own_refund(channel, order_id, form), actor)
    return f"Refund {doc['id']} of {doc['amount']} {doc['currency']} {doc['status']}."


@action("refund_cancel")
def _refund_cancel(channel: str, order_id: str, form: MultiDict, actor: str) -> str:
    doc = refunds.cancel_refund(current_oms(), _own_refund(channel, order_id, form), actor)
    return f"Refund {doc['id']} {doc['status']}."


@action("appease")
def _appease(channel: str, order_id: str, form: MultiDict, actor: str) -> str:
    on_lines = [
        {"line_id": key.removeprefix("appease-line-"), "amount": value.strip()}
        for key, value in form.items()
        if key.startswith("appease-line-") and value.strip()
    ]
    args = AppeasementBodySchema().load({**_fields(form, "reason", "amount", "note"), "lines": on_lines})
    lines = {ln["line_id"]: ln["amount"] for ln in args["lines"]}
    request_ = refunds.Appeasement(args["reason"], args["amount"], lines, args["note"])
    doc = refunds.appease(current_oms(), order_id, channel, request_, actor)
    return f"Appeasement {doc['id']} of {doc['amount']} {doc['currency']}: {doc['status']}."


@action("reship")
def _reship(channel: str, order_id: str, form: MultiDict, actor: str) -> str:
    args = ReshipmentBodySchema().load({"lines": _quantities(form, "reship"), **_fields(form, "reason")})
    wanted = {ln["line_id"]: ln["quantity"] for ln in args["lines"]}
    doc = reship(current_oms(), order_id, channel, wanted, args["reason"], actor)
    return f"Reshipment order {doc['order_id']} created: {doc['status']}."


@action("exchange")
def _exchange(channel: str, order_id: str, form: MultiDict, actor: str) -> str:
    lines = [{**ln, "sku": form.get(f"newsku-{ln['line_id']}", "").strip()} for ln in _quantities(form, "exchange")]
    args = ExchangeBodySchema().load({"lines": lines, **_fields(form, "reason")})
    wanted = {ln["line_id"]: ExchangeLine(ln["quantity"], ln["sku"]) for ln in args["lines"]}
    doc = create_exchange(current_oms(), order_id, channel, ExchangeRequest(wanted, args["reason"]), actor)
    made = f"Exchange order {doc['order_id']} created ({doc['mode']})"
    return f"{made}; return {doc['return_id']} {doc['return_status']}."


@action("price")
def _price(channel: str, order_id: str, form: MultiDict, actor: str) -> str:
    args = PriceBodySchema().load(_fields(form, "price"))
    line_id = form.get("line_id", "")
    doc = adjust_price(current_oms(), order_id, channel, line_id, args["price"], actor)
    refund = f"; refund {doc['refund_id']}" if doc.get("refund_id") else ""
    return f"Line {doc['line_id']} now {doc['new_price']} {doc['currency']} a unit (was {doc['old_price']}){refund}."
