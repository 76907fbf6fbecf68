"""``oms orders search|comment|comments|hold``: what customer-service staff do with orders.

Registered on the ``oms orders`` group; each command calls the same
``oms.service`` handler as the HTTP route for the same action.
"""

from __future__ import annotations

import sys
from datetime import datetime

import click

from api.cli.backend import channel_option, emit, json_option, open_oms, reported
from api.cli.inputs import fail
from api.cli.show import console, table
from oms.domain.comments import VISIBILITIES
from oms.domain.holds import HOLD_REASONS
from oms.service.comments import add_comment, list_comments
from oms.service.holds import hold_order, release_due
from oms.service.listing import MAX_PAGE, OrderFilter, list_orders
from oms.service.search import as_csv


def _when(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"--{name}: not an ISO 8601 date or time: {value!r}")
    if parsed.tzinfo is None:
        fail(f"--{name}: give a time zone (such as +00:00 or Z): {value!r}")
    return parsed


@click.command("search")
@click.option("--id", "order_id", default=None, help="Orders whose id starts with this.")
@click.option("--name", default=None, help="Customer name or last name (start of it; case and accents ignored).")
@click.option("--email", default=None, help="Customer e-mail (case ignored).")
@click.option("--phone", default=None, help="Customer phone (only its digits are compared).")
@click.option("--postcode", default=None, help="Shipping postcode (case and spaces ignored).")
@click.option("--status", default=None, help="Order status, such as ONHOLD.")
@click.option("--reason", default=None, help="Status reason, such as CUSTOMERREQ.")
@click.option("--channel", default=None, help="Sales channel.")
@click.option("--type", "order_type", default=None, help="normal, exchange or reshipment.")
@click.option("--source", default=None, help="Orders with a shipment request at this source.")
@click.option("--sku", default=None, help="Orders with a line of this SKU.")
@click.option("--created-from", default=None, help="Created at or after (ISO 8601 with a zone).")
@click.option("--created-to", default=None, help="Created before (ISO 8601 with a zone).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, MAX_PAGE), help="Orders per page.")
@click.option("--all", "every_page", is_flag=True, help="Every page, not only the first.")
@click.option("--csv", "as_csv_", is_flag=True, help="CSV with the order grid's columns.")
@json_option
def search(limit: int, every_page: bool, as_csv_: bool, as_json: bool, **terms: str | None) -> None:
    """Find orders by what a customer tells you; newest first."""
    where = OrderFilter(
        channel=terms["channel"],
        status=terms["status"].upper() if terms["status"] else None,
        created_from=_when(terms["created_from"], "created-from"),
        created_to=_when(terms["created_to"], "created-to"),
        sku=terms["sku"],
        source=terms["source"],
        order_id=terms["order_id"],
        name=terms["name"],
        email=terms["email"],
        phone=terms["phone"],
        postcode=terms["postcode"],
        reason=terms["reason"],
        type=terms["order_type"],
    )
    app = open_oms()
    items, after = [], None
    with reported():
        while True:
            found = list_orders(app, where, limit, after)
            items += found.items
            if not every_page or found.next_after is None:
                break
            after = found.next_after
    if as_csv_:
        sys.stdout.write(as_csv(items))
    elif as_json:
        emit({"items": items, "more": found.next_after is not None})
    else:
        _print(items, found.next_after is not None)


def _print(items: list[dict], more: bool) -> None:
    if not items:
        click.echo("no orders match")
        return
    out = table("order", "channel", "status", "reason", "customer", "email", "postcode", "created")
    for i in items:
        out.add_row(
            i["order_id"],
            i["channel"],
            i["status"],
            i["reason"] or "",
            i["customer_name"] or "",
            i["email"] or "",
            i["postcode"] or "",
            i["created_at"],
        )
    console.print(out)
    if more:
        click.echo("more orders match: narrow the search, or add --all")


@click.command("comment")
@click.argument("order_id")
@click.argument("text")
@click.option(
    "--visibility",
    type=click.Choice(VISIBILITIES),
    default="internal",
    show_default=True,
    help="customer: may be shown or sent to the customer.",
)
@click.option("--author", default="cli", show_default=True, help="Who writes it (recorded with the comment).")
@channel_option
@json_option
def comment(order_id: str, text: str, visibility: str, author: str, channel: str | None, as_json: bool) -> None:
    """Write a comment on the order (1 to 4,000 characters)."""
    app = open_oms()
    with reported(order_id):
        added = add_comment(app, order_id, text, channel, visibility, actor=author)
    if as_json:
        emit(added)
    else:
        click.echo(f"{order_id}: comment {added['comment_id']} added ({visibility})")


@click.command("comments")
@click.argument("order_id")
@channel_option
@json_option
def comments(order_id: str, channel: str | None, as_json: bool) -> None:
    """The order's comments, oldest first."""
    app = open_oms()
    with reported(order_id):
        found = list_comments(app, order_id, channel)
    if as_json:
        emit({"items": found})
        return
    if not found:
        click.echo(f"{order_id}: no comments")
    for c in found:
        click.echo(f"{c['created_at']}  {c['author']} ({c['visibility']}): {c['text']}")


@click.command("hold")
@click.argument("order_id")
@click.option("--reason", required=True, help="Hold reason code: " + ", ".join(HOLD_REASONS) + ".")
@click.option("--note", default=None, help="Why, in your words (kept in the history).")
@channel_option
@json_option
def hold(order_id: str, reason: str, note: str | None, channel: str | None, as_json: bool) -> None:
    """Put the order on hold (only while nothing is with a source beyond NEW requests); `release` ends it."""
    app = open_oms()
    with reported(order_id):
        held = hold_order(app, order_id, reason.upper(), note, channel, actor="cli")
    if as_json:
        emit(held)
    else:
        click.echo(f"{order_id}: on hold ({held['reason']}); {held['units_taken_back']} reserved unit(s) given back")


@click.command("release-due")
@json_option
def release_due_command(as_json: bool) -> None:
    """Release every order whose channel's remorse period is over, and source it."""
    app = open_oms()
    with reported():
        released = release_due(app, actor="cli")
    if as_json:
        emit({"released": released})
    else:
        click.echo(f"{len(released)} order(s) released" + (": " + ", ".join(released) if released else ""))


COMMANDS = [search, comment, comments, hold, release_due_command]
