"""``oms orders``: place, show, cancel, release and re-source orders."""

from __future__ import annotations

import json

import click

from api.cli.backend import (
    REFUSED,
    channel_option,
    describe_errors,
    emit,
    json_option,
    open_oms,
    parse_line_quantities,
    reported,
)
from api.cli.inputs import BAD_INPUT, display_name, fail, parse_json, read_text
from api.cli.oms_show import print_order
from api.cli.show import console, table
from oms.domain.cancellation import CANCEL_REASONS
from oms.errors import InvalidInput
from oms.service import orders as service
from oms.service.exceptions import exceptions_view
from oms.service.intake_checks import check_orders
from oms.service.views import order_view


@click.group("orders")
def orders() -> None:
    """Orders: intake, status, cancellation, exceptions, search, comments, holds."""


@orders.command("place")
@click.argument("file")
@json_option
def place(file: str, as_json: bool) -> None:
    """Place one order (a JSON object) or many (JSON lines); every payload is checked before any is placed."""
    name = display_name(file)
    docs = _documents(read_text(file), name)
    app = open_oms()
    with reported(name):
        problems = check_orders(app, [doc for _, doc in docs])
    if problems:
        position, problem = problems[0]
        more = f"; and {len(problems) - 1} more order(s) with problems" if len(problems) > 1 else ""
        text = describe_errors(problem) if isinstance(problem, InvalidInput) else str(problem)
        fail(
            f"{docs[position][0]}: {text}{more}; no order placed",
            BAD_INPUT if isinstance(problem, InvalidInput) else REFUSED,
        )
    for where, doc in docs:
        with reported(where):
            placed = service.place_order(app, doc, actor="cli")
        result = placed.as_json()
        if as_json:
            click.echo(json.dumps(result))
        else:
            verb = "placed" if placed.created else "already placed"
            status = f"{result['status']}/{placed.reason}"
            click.echo(f"{placed.channel}/{placed.order_id}: {verb}, {status}; {_units(placed)}")


def _units(placed: service.Placed) -> str:
    """What became of the units: "503 units: 25 allocated, 478 cancelled (OUTOFSTOCK 478)"."""
    u = placed.units
    parts = [f"{u[k]} {k}" for k in ("shipped", "allocated", "waiting") if u.get(k)]
    if u.get("cancelled"):
        why = ", ".join(f"{reason} {n}" for reason, n in sorted(placed.cancelled.items()))
        parts.append(f"{u['cancelled']} cancelled ({why})")
    return f"{u.get('ordered', 0)} unit(s): " + ", ".join(parts)


def _documents(text: str, name: str) -> list[tuple[str, object]]:
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            return [(name, json.loads(stripped))]
        except (ValueError, RecursionError):
            pass  # JSON lines, or malformed: read line by line for a precise message
    docs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            docs.append((f"{name}:{number}", parse_json(line, f"{name}:{number}")))
    if not docs:
        fail(f"{name}: no order in the file")
    return docs


@orders.command("show")
@click.argument("order_id")
@channel_option
@json_option
def show(order_id: str, channel: str | None, as_json: bool) -> None:
    """Lines, shipment requests and the timeline of one order."""
    app = open_oms()
    with reported(order_id):
        doc = order_view(app, order_id, channel)
    if as_json:
        emit(doc)
    else:
        print_order(doc)


@orders.command("cancel")
@click.argument("order_id")
@click.option("--line", "lines", multiple=True, metavar="LINE[:QTY]", help="Cancel only these lines (repeatable).")
@click.option(
    "--reason", default="CUSTOMERREQ", show_default=True, help="Reason code: " + ", ".join(CANCEL_REASONS) + "."
)
@channel_option
@json_option
def cancel(order_id: str, lines: tuple[str, ...], reason: str, channel: str | None, as_json: bool) -> None:
    """Cancel the order, or some units of some lines (by MOM's cancellation rules)."""
    app = open_oms()
    with reported(order_id):
        units = service.cancel_order(app, order_id, parse_line_quantities(lines), channel, reason.upper(), actor="cli")
        doc = order_view(app, order_id, channel)
    if as_json:
        emit({"cancelled_units": units, "status": doc["status"], "reason": doc["reason"]})
    else:
        click.echo(f"{order_id}: {units} unit(s) cancelled; order {doc['status']}/{doc['reason']}")


@orders.command("release")
@click.argument("order_id")
@channel_option
@json_option
def release(order_id: str, channel: str | None, as_json: bool) -> None:
    """Release an order held by the rules, and source it."""
    app = open_oms()
    with reported(order_id):
        placed = service.release_hold(app, order_id, channel, actor="cli")
    if as_json:
        emit({k: v for k, v in placed.as_json().items() if k != "created"})
    else:
        click.echo(f"{order_id}: released, {placed.status}/{placed.reason}")


@orders.command("resource")
@click.option("--batch", is_flag=True, help="Also source orders of batch channels never sourced yet (a wave).")
@click.option("--sku", "skus", multiple=True, help="Only orders waiting for these SKUs.")
@json_option
def resource(batch: bool, skus: tuple[str, ...], as_json: bool) -> None:
    """Source waiting orders again, oldest first (backorders, bundles waiting, batch waves)."""
    app = open_oms()
    with reported():
        count = service.resource_waiting(app, set(skus) or None, include_new=batch, actor="cli")
        flagged = service.flag_exceptions(app, actor="cli")
    if as_json:
        emit({"orders_sourced": count, "backorder_exceptions_flagged": flagged})
    else:
        click.echo(f"{count} order(s) sourced, {flagged} unit(s) newly flagged as backorder exceptions")


@orders.command("exceptions")
@click.option("--channel", default=None, help="Only this sales channel's orders.")
@click.option("--kind", default=None, help="One of backorder, bundle_waiting, shipment_limit, waiting_complete.")
@click.option("--all", "everything", is_flag=True, help="Every waiting unit, not only those past the channel's limit.")
@json_option
def exceptions(channel: str | None, kind: str | None, everything: bool, as_json: bool) -> None:
    """The exception queue: units waiting longer than their channel's backorder_exception_days, oldest first."""
    app = open_oms()
    with reported():
        rows = exceptions_view(app, channel, kind, everything)
    if as_json:
        emit(rows)
        return
    if not rows:
        click.echo("no exceptions" if not everything else "no waiting units")
        return
    out = table("order", "kind", "age", "lines", "missing", "flagged")
    for row in rows:
        lines = ", ".join(f"{ln['line_id']}:{ln['sku']} x{ln['quantity']}" for ln in row["lines"])
        kind_text = row["kind"] + (f" {row['bundle']}" if row.get("bundle") else "")
        age = f"{row['age_days']:.1f}d"
        out.add_row(f"{row['channel']}/{row['order_id']}", kind_text, age, lines, row["missing"], _yes(row["flagged"]))
    console.print(out)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _post_sales_commands() -> None:
    from api.cli.post_sales import adjust_price

    orders.add_command(adjust_price)


_post_sales_commands()


def _customer_service_commands() -> None:
    from api.cli.customer_service import COMMANDS

    for command in COMMANDS:
        orders.add_command(command)


_customer_service_commands()
