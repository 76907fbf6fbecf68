"""``oms requests``: what sources report on their requests (ack, pick, pack, ship, decline, receive, collect)."""

from __future__ import annotations

from collections.abc import Callable

import click

from api.cli.backend import REQUEST_ID, emit, json_option, open_oms, parse_line_quantities, reported
from api.cli.show import console, table
from oms.service import fulfillment
from oms.service.fulfillment import StepDone
from oms.service.views import requests_view


@click.group("requests")
def requests() -> None:
    """Shipment requests: one per source and order."""


@requests.command("list")
@click.option("--source", default=None)
@click.option(
    "--status", default=None, help="One of NEW, ACKNOWLEDGED, PICKING, PACKED, SHIPPED, READY, COLLECTED, CANCELLED."
)
@json_option
def list_(source: str | None, status: str | None, as_json: bool) -> None:
    """Shipment requests, newest first."""
    app = open_oms()
    with reported():
        docs = requests_view(app, source, status)
    if as_json:
        emit(docs)
        return
    rows = table("request", "method", "source", "status", "order", "items", "packages", right=("request",))
    for r in docs:
        items = ", ".join(f"{i['line_id']}:{i['sku']} x{i['quantity']} {i['status']}" for i in r["items"])
        packages = ", ".join(f"{p['carrier']} {p['tracking']}" for p in r["packages"]) or "-"
        order = f"{r['channel']}/{r['order_id']}"
        rows.add_row(str(r["request_id"]), r["method"], r["source"], r["status"], order, items, packages)
    if docs:
        console.print(rows)
    else:
        click.echo("no shipment requests" + (" with that source or status" if source or status else ""))


def _report(done: StepDone, as_json: bool) -> None:
    if as_json:
        emit(done.as_json())
    else:
        if done.package_id is not None:
            left = f", {done.open_units} unit(s) still to ship" if done.open_units else ""
            click.echo(f"request {done.request_id}: package {done.package_id} shipped{left}")
        click.echo(
            f"request {done.request_id}: {done.request_status}; "
            f"order {done.channel}/{done.order_id} {done.order_status}/{done.order_reason}"
        )


def _simple(name: str, step: Callable[..., StepDone], help_text: str) -> None:
    @requests.command(name, help=help_text)
    @click.argument("request_id", type=REQUEST_ID)
    @json_option
    def command(request_id: int, as_json: bool) -> None:
        app = open_oms()
        with reported(f"request {request_id}"):
            done = step(app, request_id, actor="cli")
        _report(done, as_json)


_simple("ack", fulfillment.acknowledge, "The source has received the request (lines RECEIVEDBYLOGISTICS).")
_simple("pick", fulfillment.pick, "Picked (home/STS: PICKCONFIRMED; in store: ready for collection).")
_simple("pack", fulfillment.pack, "Packed (home and ship-to-store requests).")
_simple("receive", fulfillment.receive, "Ship-to-store goods arrived at the pickup store.")
_simple("collect", fulfillment.collect, "The customer collected an in-store pickup.")


@requests.command("ship")
@click.argument("request_id", type=REQUEST_ID)
@click.option(
    "--line", "lines", multiple=True, metavar="LINE[:QTY]", help="Ship only these units, as one package (repeatable)."
)
@click.option("--carrier", required=True)
@click.option("--tracking", required=True, help="Tracking number.")
@json_option
def ship(request_id: int, lines: tuple[str, ...], carrier: str, tracking: str, as_json: bool) -> None:
    """A package left the source: the given lines, or every open line of the request."""
    app = open_oms()
    with reported(f"request {request_id}"):
        done = fulfillment.ship(app, request_id, carrier, tracking, actor="cli", lines=parse_line_quantities(lines))
    _report(done, as_json)


@requests.command("decline")
@click.argument("request_id", type=REQUEST_ID)
@click.option("--line", "lines", multiple=True, metavar="LINE[:QTY]", help="Decline only these lines (repeatable).")
@click.option("--note", default=None, help="Why (kept in the history).")
@json_option
def decline(request_id: int, lines: tuple[str, ...], note: str | None, as_json: bool) -> None:
    """The source cannot fulfil: lines PICKDECLINED, then RESOURCED from other sources."""
    app = open_oms()
    with reported(f"request {request_id}"):
        done = fulfillment.decline(app, request_id, parse_line_quantities(lines), note, actor="cli")
    _report(done, as_json)
