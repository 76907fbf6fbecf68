"""``oms keys``: API keys of the HTTP API (create, list, revoke)."""

from __future__ import annotations

import click

from api.cli.backend import emit, json_option, open_oms, reported
from oms.service import keys as service


@click.group("keys")
def keys() -> None:
    """API keys for the HTTP API (`oms serve`)."""


@keys.command("create")
@click.option("--role", required=True, type=click.Choice(service.ROLES), help="What the key may do.")
@click.option("--channel", "channels", multiple=True, help="Limit the key to these channels (repeatable).")
@click.option("--name", default=None, help="Who or what uses the key (shown in histories and logs).")
@json_option
def create(role: str, channels: tuple[str, ...], name: str | None, as_json: bool) -> None:
    """Create a key; its secret is printed once and never stored."""
    app = open_oms()
    with reported():
        key, secret = service.create_key(app, role, list(channels) or None, name)
    if as_json:
        emit({**key.as_json(), "secret": secret})
        return
    scope = ", ".join(sorted(key.channels)) if key.channels else "all channels"
    click.echo(f"key {key.id} ({key.name}, {key.role}, {scope}):")
    click.echo(secret)
    click.echo("keep it now: the OMS stores only its hash and cannot show it again", err=True)


@keys.command("list")
@json_option
def list_(as_json: bool) -> None:
    """Every key, live or revoked (never the secrets)."""
    app = open_oms()
    with reported():
        found = service.list_keys(app)
    if as_json:
        emit([k.as_json() for k in found])
        return
    for k in found:
        scope = ",".join(sorted(k.channels)) if k.channels else "*"
        state = f"revoked {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "live"
        click.echo(f"{k.id:>4}  {k.role:<12} {scope:<20} {state:<24} {k.name}")


@keys.command("revoke")
@click.argument("key_id", type=click.IntRange(1, 2**31 - 1))
@json_option
def revoke(key_id: int, as_json: bool) -> None:
    """Revoke a key for good (it stops working within OMS_API_KEY_CACHE_SECONDS)."""
    app = open_oms()
    with reported(f"key {key_id}"):
        key = service.revoke_key(app, key_id)
    if as_json:
        emit(key.as_json())
    else:
        click.echo(f"key {key.id} ({key.name}) revoked")
