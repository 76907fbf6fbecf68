"""``oms network``: load sources, products, channels and stock; attach rulesets to channels."""

from __future__ import annotations

import click

from api.cli.backend import emit, json_option, open_oms, reported
from api.cli.inputs import display_name, fail, parse_json, read_text
from oms.service import catalog


@click.group("network")
def network() -> None:
    """The sourcing network: sources, products, channels, stock."""


@network.command("load")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@json_option
def load(files: tuple[str, ...], as_json: bool) -> None:
    """Load the engine's network JSON extended with "channels" (several FILEs are merged)."""
    doc: dict = {}
    for path in files:
        part = parse_json(read_text(path), display_name(path))
        if not isinstance(part, dict):
            fail(f"{display_name(path)}: must be a JSON object")
        for key, value in part.items():
            existing = doc.get(key)
            if isinstance(existing, list) and isinstance(value, list):
                doc[key] = existing + value
            elif key not in doc or isinstance(existing, list):
                doc[key] = value  # a value that is not a list stays, so that the check names it
    app = open_oms()
    with reported(", ".join(display_name(p) for p in files)):
        loaded = catalog.load_network(app, doc)
    summary = {
        "sources": loaded.sources,
        "products": loaded.products,
        "channels": loaded.channels,
        "stock_rows_changed": loaded.stock.changed,
        "orders_resourced": loaded.stock.resourced,
    }
    if as_json:
        emit({**summary, "warnings": loaded.stock.warnings})
        return
    click.echo(", ".join(f"{v} {k.replace('_', ' ')}" for k, v in summary.items()))
    for warning in loaded.stock.warnings:
        click.echo(f"warning: {warning}", err=True)


@network.command("rules")
@click.argument("channel")
@click.argument("file", required=False)
@click.option("--name", default=None, help="Ruleset name (default: the name in the file's header).")
@click.option("--none", "clear", is_flag=True, help="Leave the channel without rules.")
def rules(channel: str, file: str | None, name: str | None, clear: bool) -> None:
    """Store FILE as the next version of its ruleset and make it CHANNEL's active one."""
    if clear == (file is not None):
        fail("give a rules FILE or --none")
    app = open_oms()
    text = read_text(file) if file else None
    where = display_name(file) if file else channel
    with reported(where):
        done = catalog.activate_ruleset(app, channel, text, name=name, file=where, actor="cli")
    click.echo(f"{channel}: " + (f"ruleset {done.name} version {done.version} active" if done.name else "no rules"))
