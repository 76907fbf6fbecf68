"""``oms users``: people who sign in to the admin pages (create, list, disable, password).

A password never goes on the command line, where other users of the machine
could read it: it is prompted for twice in a terminal, or read as the first
line of standard input with ``--password-stdin``.
"""

from __future__ import annotations

import sys

import click

from api.cli.backend import emit, json_option, open_oms, reported
from api.cli.inputs import fail
from oms.domain.users import MAX_NAME, MAX_PASSWORD, MIN_PASSWORD
from oms.service.keys import ROLES


@click.group("users")
def users() -> None:
    """Users of the admin pages (/admin): a password, one of the API's roles, optional channels."""


@users.command("create")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the user may do (the API's roles).")
@click.option("--channel", "channels", multiple=True, help="Limit the user to these channels (repeatable).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@json_option
def create(name: str, role: str, channels: tuple[str, ...], password_stdin: bool, as_json: bool) -> None:
    """Create a user; the password is prompted for (twice) or read from stdin, never taken from the arguments."""
    from oms.service.users import create_user

    password = _password(password_stdin)
    app = open_oms()
    with reported(f"user {name[:MAX_NAME]!r}"):
        user = create_user(app, name, password, role, list(channels) or None)
    if as_json:
        emit(user.as_json())
        return
    scope = ", ".join(sorted(user.channels)) if user.channels else "all channels"
    click.echo(f"user {user.name} created ({user.role}, {scope}); sign in at /admin/login")


@users.command("list")
@json_option
def list_(as_json: bool) -> None:
    """Every user, enabled or disabled (never the password hashes)."""
    from oms.service.users import list_users

    app = open_oms()
    with reported():
        found = list_users(app)
    if as_json:
        emit([u.as_json() for u in found])
        return
    for u in found:
        scope = ",".join(sorted(u.channels)) if u.channels else "*"
        state = f"disabled {u.disabled_at:%Y-%m-%d %H:%M}" if u.disabled_at else "enabled"
        last = f"{u.last_signin_at:%Y-%m-%d %H:%M}" if u.last_signin_at else "never"
        click.echo(f"{u.name:<24} {u.role:<12} {scope:<20} {state:<24} last sign-in {last}")


@users.command("disable")
@click.argument("name")
@json_option
def disable(name: str, as_json: bool) -> None:
    """Disable a user: no more sign-ins, and open sessions end at their next request."""
    from oms.service.users import disable_user

    app = open_oms()
    with reported():
        user = disable_user(app, name)
    if as_json:
        emit(user.as_json())
    else:
        click.echo(f"user {user.name} disabled")


@users.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@json_option
def password(name: str, password_stdin: bool, as_json: bool) -> None:
    """Set a user's password (prompted twice, or read from stdin); it lifts a lockout and ends open sessions."""
    from oms.service.users import set_password

    secret = _password(password_stdin)
    app = open_oms()
    with reported(f"user {name[:MAX_NAME]!r}"):
        user = set_password(app, name, secret)
    if as_json:
        emit(user.as_json())
    else:
        click.echo(f"password of {user.name} changed")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    if not sys.stdin.isatty():
        fail("password: give --password-stdin to read it from standard input, or run in a terminal to be asked")
    return click.prompt(
        f"Password ({MIN_PASSWORD} to {MAX_PASSWORD} characters)",
        hide_input=True,
        confirmation_prompt="Repeat the password",
    )
