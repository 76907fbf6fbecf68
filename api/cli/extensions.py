"""``oms extensions list|show|run|log``: custom actions, run and audited."""

from __future__ import annotations

import json

import click

from api.cli.backend import emit, json_option, open_oms, reported
from api.cli.inputs import fail
from oms.service import extensions as service


@click.group("extensions")
def extensions() -> None:
    """Custom actions (built-in and installed through the oms.extensions entry points), and their runs."""


@extensions.command("list")
@json_option
def list_extensions(as_json: bool) -> None:
    """Every extension, with its description."""
    found = [service.describe(e) for e in service.available().values()]
    if as_json:
        emit({"items": found})
        return
    for e in found:
        click.echo(f"{e['name']:24} {e['description']}")


@extensions.command("show")
@click.argument("name")
@json_option
def show(name: str, as_json: bool) -> None:
    """An extension's description and parameters."""
    with reported(name):
        doc = service.describe(service.find(name))
    if as_json:
        emit(doc)
        return
    click.echo(f"{doc['name']}: {doc['description']}")
    for p in doc["parameters"]:
        click.echo(f"  --param {p['name']}=<{p['type']}>" + (" (required)" if p["required"] else ""))


def _params(specs: tuple[str, ...]) -> dict[str, object]:
    """``k=v`` pairs; a value that reads as JSON (a number, a list, true) is taken as such, else as text."""
    params: dict[str, object] = {}
    for spec in specs:
        key, sep, value = spec.partition("=")
        if not sep or not key:
            fail(f"--param: expected KEY=VALUE, got {spec!r}")
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


@extensions.command("run")
@click.argument("name")
@click.option("--param", "specs", multiple=True, metavar="KEY=VALUE", help="A parameter (repeatable).")
@click.option("--actor", default="cli", show_default=True, help="Who runs it (recorded).")
@json_option
def run(name: str, specs: tuple[str, ...], actor: str, as_json: bool) -> None:
    """Run an extension; exit code 1 when it failed (nothing it did is kept)."""
    app = open_oms()
    with reported(name):
        done = service.run_extension(app, name, _params(specs), actor)
    if as_json:
        emit(done)
    else:
        for line in done["log"]:
            click.echo(line)
        click.echo(f"run {done['run_id']}: {done['status']} in {done['elapsed_ms']:.0f} ms {done['error'] or ''}")
    if done["status"] != "succeeded":
        raise SystemExit(1)


@extensions.command("log")
@click.argument("name", required=False)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@json_option
def log(name: str | None, limit: int, as_json: bool) -> None:
    """The execution log, newest first (of one extension when named)."""
    app = open_oms()
    with reported():
        found = service.runs(app, name, limit)
    if as_json:
        emit({"items": found})
        return
    for r in found:
        click.echo(
            f"{r['run_id']}  {r['name']}  {r['actor']}  {r['started_at']}  {r['elapsed_ms']:.0f} ms  {r['status']}"
        )
