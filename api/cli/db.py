"""``oms db``: the database schema (Alembic migrations shipped with the package)."""

from __future__ import annotations

import click

from api.cli.backend import emit, json_option, open_oms, reported
from oms.adapters import migrate


@click.group("db")
def db() -> None:
    """The OMS database named by OMS_DATABASE_URL (default: sqlite:///oms.sqlite)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Alembic revision to upgrade to.")
@json_option
def upgrade(revision: str, as_json: bool) -> None:
    """Create or migrate the schema."""
    app = open_oms(check_schema=False)
    with reported(app.db.url.render_as_string()):
        before, after = migrate.upgrade(app.db, revision)
    if as_json:
        emit({"database": app.db.url.render_as_string(), "from": before, "to": after})
    else:
        click.echo(f"{app.db.url.render_as_string()}: schema {before or 'empty'} -> {after}")


@db.command("current")
def current() -> None:
    """Print the schema revision of the database."""
    app = open_oms(check_schema=False)
    with reported(app.db.url.render_as_string()):
        click.echo(migrate.current_revision(app.db) or "empty")
