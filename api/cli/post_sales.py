"""``oms returns``, ``oms refunds``, ``oms appeasements``: post-sales, through the same handlers as the HTTP API."""

from __future__ import annotations

from typing import Any

import click

from api.cli.backend import channel_option, emit, json_option, open_oms, reported
from api.cli.inputs import fail
from oms.service import refunds as rf
from oms.service import returns as rt


def _units(specs: tuple[str, ...], option: str, default_all: bool = False) -> dict[str, int]:
    """``--line 1:2 --line 3`` as {"1": 2, "3": 1}."""
    out: dict[str, int] = {}
    for spec in specs:
        line_id, _, qty = spec.partition(":")
        if not line_id or (qty and (not qty.isdigit() or int(qty) <= 0)):
            fail(f"{option} {spec!r}: give LINE or LINE:QUANTITY (a positive integer)")
        out[line_id] = int(qty) if qty else 1
    return out


def _return_line(doc: dict[str, Any]) -> str:
    lines = ", ".join(f"{ln['line_id']} x{ln['quantity']}" for ln in doc["lines"])
    return f"return {doc['id']} of {doc['channel']}/{doc['order_id']}: {doc['status']} ({lines}) to {doc['source']}"


def _refund_line(doc: dict[str, Any]) -> str:
    return (
        f"{doc['kind']} {doc['id']} of {doc['channel']}/{doc['order_id']}: {doc['amount']} {doc['currency']}, "
        f"{doc['status']} ({doc['reason']})"
    )


def _show(doc: Any, as_json: bool, render: Any) -> None:
    if as_json:
        emit(doc)
    elif isinstance(doc, list):
        for item in doc:
            click.echo(render(item))
        if not doc:
            click.echo("none")
    else:
        click.echo(render(doc))


@click.group("returns")
def returns() -> None:
    """Returns (RMA): authorize shipped units, approve or cancel, receive with each unit's condition."""


@returns.command("authorize")
@click.argument("order_id")
@click.option("--line", "lines", multiple=True, required=True, metavar="LINE[:QTY]", help="Units to return.")
@click.option("--reason", required=True, help="A return reason code of the channel (e.g. CHANGED_MIND).")
@click.option("--description", default=None, help="The customer's words (at most 1,000 characters).")
@click.option("--source", default=None, help="Return-to source (needs the 'returns' capability).")
@channel_option
@json_option
def authorize(
    order_id: str, lines: tuple[str, ...], reason: str, description: str | None, source: str | None, **opts: Any
) -> None:
    """Authorize a return of shipped units (approved at once when the channel auto-approves)."""
    request = rt.ReturnRequest(_units(lines, "--line"), reason, description, source)
    with reported(order_id):
        doc = rt.authorize_return(open_oms(), order_id, opts["channel"], request, actor="cli")
    _show(doc, opts["as_json"], _return_line)


def _return_step(name: str, handler: Any, help_text: str) -> None:
    @returns.command(name, help=help_text)
    @click.argument("return_id", type=click.IntRange(1, 2**31 - 1))
    @json_option
    def command(return_id: int, as_json: bool) -> None:
        with reported(f"return {return_id}"):
            doc = handler(open_oms(), return_id, actor="cli")
        _show(doc, as_json, _return_line)


_return_step("approve", rt.approve_return, "Approve a requested return.")
_return_step("cancel", rt.cancel_return, "Cancel a return not yet received.")


@returns.command("receive")
@click.argument("return_id", type=click.IntRange(1, 2**31 - 1))
@click.option("--damaged", "damaged", multiple=True, metavar="LINE[:QTY]", help="Units that came back damaged.")
@json_option
def receive(return_id: int, damaged: tuple[str, ...], as_json: bool) -> None:
    """Receive a return (units good unless --damaged); the refund rules compute the refund."""
    with reported(f"return {return_id}"):
        doc = rt.receive_return(open_oms(), return_id, _units(damaged, "--damaged"), actor="cli")
    _show(doc, as_json, _return_line)


@returns.command("list")
@click.argument("order_id")
@channel_option
@json_option
def list_returns(order_id: str, channel: str | None, as_json: bool) -> None:
    """The order's returns."""
    with reported(order_id):
        docs = rt.list_returns(open_oms(), order_id, channel)
    _show(docs, as_json, _return_line)


@returns.command("show")
@click.argument("return_id", type=click.IntRange(1, 2**31 - 1))
@json_option
def show(return_id: int, as_json: bool) -> None:
    """One return with its lines and their condition."""
    with reported(f"return {return_id}"):
        doc = rt.show_return(open_oms(), return_id)
    _show(doc, as_json, _return_line)


@click.group("refunds")
def refunds() -> None:
    """Refunds: list, release (when the channel does not release them at once), cancel."""


@refunds.command("list")
@click.argument("order_id")
@channel_option
@json_option
def list_refunds(order_id: str, channel: str | None, as_json: bool) -> None:
    """The order's refunds and appeasements."""
    with reported(order_id):
        docs = rf.list_refunds(open_oms(), order_id, channel)
    _show(docs, as_json, _refund_line)


def _refund_step(group: click.Group, name: str, handler: Any, help_text: str) -> None:
    @group.command(name, help=help_text)
    @click.argument("refund_id", type=click.IntRange(1, 2**31 - 1))
    @json_option
    def command(refund_id: int, as_json: bool) -> None:
        with reported(f"refund {refund_id}"):
            doc = handler(open_oms(), refund_id, actor="cli")
        _show(doc, as_json, _refund_line)


_refund_step(refunds, "release", rf.release_refund, "Release a refund waiting for release (refund.released).")
_refund_step(refunds, "cancel", rf.cancel_refund, "Cancel a refund not yet released.")


@click.group("appeasements")
def appeasements() -> None:
    """Appeasements: goodwill refunds without a return, counted against what was paid."""


@appeasements.command("create")
@click.argument("order_id")
@click.option("--amount", default=None, help="An amount for the whole order, spread over its lines.")
@click.option("--line", "lines", multiple=True, metavar="LINE=AMOUNT", help="An amount on one line (repeatable).")
@click.option("--reason", required=True, help="An appeasement reason code of the channel (e.g. LATE_DELIVERY).")
@click.option("--note", default=None, help="Why, in words (at most 1,000 characters).")
@channel_option
@json_option
def create(
    order_id: str, amount: str | None, lines: tuple[str, ...], reason: str, note: str | None, **opts: Any
) -> None:
    """Create an appeasement (released at once when the channel auto-releases refunds)."""
    by_line: dict[str, str] = {}
    for spec in lines:
        line_id, sep, value = spec.partition("=")
        if not line_id or not sep:
            fail(f"--line {spec!r}: give LINE=AMOUNT")
        by_line[line_id] = value
    request = rf.Appeasement(reason, amount, by_line, note)
    with reported(order_id):
        doc = rf.appease(open_oms(), order_id, opts["channel"], request, actor="cli")
    _show(doc, opts["as_json"], _refund_line)


_refund_step(appeasements, "release", rf.release_refund, "Release an appeasement waiting for release.")
_refund_step(appeasements, "cancel", rf.cancel_refund, "Cancel an appeasement not yet released.")


@click.group("reshipments")
def reshipments() -> None:
    """Reshipments: shipped units the customer never got, sent again free in a linked order."""


@reshipments.command("create")
@click.argument("order_id")
@click.option("--line", "lines", multiple=True, required=True, metavar="LINE[:QTY]", help="Units to send again.")
@click.option("--reason", required=True, help="A reshipment reason code of the channel (e.g. LOST).")
@channel_option
@json_option
def create_reshipment(order_id: str, lines: tuple[str, ...], reason: str, channel: str | None, as_json: bool) -> None:
    """Create a reshipment order <id>-R1 (then -R2...), price zero, sourced like any order."""
    from oms.service.reshipments import reship

    with reported(order_id):
        doc = reship(open_oms(), order_id, channel, _units(lines, "--line"), reason, actor="cli")
    _show(
        doc, as_json, lambda d: f"{d['channel']}/{d['order_id']}: reshipment of {d['original_order_id']}, {d['status']}"
    )


@click.group("exchanges")
def exchanges() -> None:
    """Exchanges: shipped units swapped for other SKUs through a return that refunds nothing."""


def _exchange_lines(specs: tuple[str, ...], prices: tuple[str, ...]) -> dict[str, Any]:
    """``--line 1:2=SKU`` and ``--price 1=12.50`` as {"1": ExchangeLine(2, "SKU", "12.50")}."""
    from oms.service.exchanges import ExchangeLine

    by_line: dict[str, str] = {}
    for spec in prices:
        line_id, sep, value = spec.partition("=")
        if not line_id or not sep:
            fail(f"--price {spec!r}: give LINE=AMOUNT")
        by_line[line_id] = value
    out: dict[str, Any] = {}
    for spec in specs:
        units, sep, sku = spec.partition("=")
        if not sep:
            fail(f"--line {spec!r}: give LINE=NEW_SKU or LINE:QUANTITY=NEW_SKU")
        [(line_id, quantity)] = _units((units,), "--line").items()
        if line_id in out:
            fail(f"--line {spec!r}: line {line_id} is given twice")
        out[line_id] = ExchangeLine(quantity, sku, by_line.pop(line_id, None))
    if by_line:
        fail(f"--price {next(iter(by_line))}=...: that line is not exchanged (--line)")
    return out


@exchanges.command("create")
@click.argument("order_id")
@click.option("--line", "lines", multiple=True, required=True, metavar="LINE[:QTY]=NEW_SKU", help="Units to swap.")
@click.option("--price", "prices", multiple=True, metavar="LINE=AMOUNT", help="New unit price, to report a difference.")
@click.option("--reason", default=None, help="A return reason code of the channel (default: EXCHANGE).")
@click.option("--source", default=None, help="Return-to source (needs the 'returns' capability).")
@channel_option
@json_option
def create_exchange(
    order_id: str, lines: tuple[str, ...], prices: tuple[str, ...], reason: str | None, source: str | None, **opts: Any
) -> None:
    """Create an exchange order <id>-E1 (then -E2...) of new SKUs at the value of the shipped units returned."""
    from oms.service.exchanges import ExchangeRequest
    from oms.service.exchanges import create_exchange as create

    request = ExchangeRequest(_exchange_lines(lines, prices), reason, source)
    with reported(order_id):
        doc = create(open_oms(), order_id, opts["channel"], request, actor="cli")
    _show(doc, opts["as_json"], _exchange_line)


def _exchange_line(d: dict[str, Any]) -> str:
    swaps = ", ".join(f"{ln['line_id']} x{ln['quantity']} {ln['old_sku']} -> {ln['sku']}" for ln in d["lines"])
    difference = f", price difference {d['price_difference']} {d['currency']}" if d["price_difference"] else ""
    return (
        f"{d['channel']}/{d['order_id']}: exchange of {d['original_order_id']} ({swaps}), {d['status']}"
        f"{'/' + d['reason'] if d['reason'] else ''}; return {d['return_id']} {d['return_status']}{difference}"
    )


@click.command("adjust-price")
@click.argument("order_id")
@click.argument("line_id")
@click.argument("price")
@channel_option
@json_option
def adjust_price(order_id: str, line_id: str, price: str, channel: str | None, as_json: bool) -> None:
    """Change the unit price of a line a store is picking; a decrease is refunded at once."""
    from oms.service.price_adjustments import adjust_price as adjust

    with reported(order_id):
        doc = adjust(open_oms(), order_id, channel, line_id, price, actor="cli")
    _show(
        doc,
        as_json,
        lambda d: (
            f"{d['channel']}/{d['order_id']} line {d['line_id']}: {d['old_price']} -> {d['new_price']} "
            f"{d['currency']} x{d['quantity']}" + (f", refund {d['refund_id']}" if d["refund_id"] else "")
        ),
    )
