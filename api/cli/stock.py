"""``oms stock``: stock messages in, stock and sellable quantities out."""

from __future__ import annotations

import click
from rich.table import Table

from api.cli.backend import emit, json_option, open_oms, reported
from api.cli.inputs import display_name, parse_json, read_text
from api.cli.show import console
from oms.service.inventory import update_stock
from oms.service.views import stock_history_view, stock_view


@click.group("stock")
def stock() -> None:
    """Inventory per source, and what each channel can sell."""


@stock.command("update")
@click.argument("file")
@json_option
def update(file: str, as_json: bool) -> None:
    """Apply a stock message: {"mode": FULL|NONZERO|DELTA|ADJUST, "source": ..., "items": [{sku, quantity, ...}]}."""
    name = display_name(file)
    doc = parse_json(read_text(file), name)
    app = open_oms()
    with reported(name):
        result = update_stock(app, doc, actor="cli")
    if as_json:
        emit(result.as_json())
        return
    if result.replayed:
        click.echo(
            f"reference {doc['reference']} already applied ({result.changed} row(s) changed then): nothing changed"
        )
        return
    click.echo(
        f"{result.changed} row(s) changed, {result.unchanged} unchanged, {result.resourced} order(s) sourced again"
    )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)


@stock.command("show")
@click.option("--sku", default=None, help="Only this SKU.")
@click.option("--history", is_flag=True, help="With --sku: the latest changes to its stock.")
@json_option
def show(sku: str | None, history: bool, as_json: bool) -> None:
    """Stock rows per source and sellable quantity per channel."""
    app = open_oms()
    with reported(sku or ""):
        doc = stock_view(app, sku)
        if history and sku:
            doc["history"] = stock_history_view(app, sku)
    if as_json:
        emit(doc)
        return
    table = Table(show_edge=False, pad_edge=False, box=None)
    for column in ("sku", "source", "on hand", "reserved", "safety", "available"):
        table.add_column(column, justify="left" if column in ("sku", "source") else "right")
    for row in doc["rows"]:
        available = "unlimited" if row["unlimited"] else str(row["available"])
        table.add_row(
            row["sku"], row["source"], str(row["on_hand"]), str(row["reserved"]), str(row["safety_stock"]), available
        )
    console.print(table)
    for k, channels in doc["sellable"].items():
        figures = ", ".join(f"{c} {'∞' if v is None else v}" for c, v in channels.items())
        console.print(f"sellable {k}: {figures}")
    for h in doc.get("history", []):
        console.print(
            f"  {h['at']} {h['source']} on hand {h['on_hand']} ({h['on_hand_delta']:+d}), "
            f"reserved {h['reserved']} ({h['reserved_delta']:+d}) {h['cause']} {h['reference'] or ''}"
        )
