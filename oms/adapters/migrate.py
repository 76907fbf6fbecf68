"""Running the packaged Alembic migrations against a database."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError

from oms.adapters.database import Database
from oms.errors import FieldError, InvalidInput


def alembic_config(db: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", "oms:migrations")
    config.set_main_option("sqlalchemy.url", db.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def upgrade(db: Database, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the schema to ``revision``; returns (revision before, revision after)."""
    db.create_file()
    before = current_revision(db)
    config = alembic_config(db)
    try:
        if not revision.startswith("+") or not revision[1:].isdigit():  # "+1": one step up, relative
            ScriptDirectory.from_config(config).get_revisions(revision)
    except (CommandError, AssertionError, ValueError, KeyError):
        known = ", ".join(sorted(r.revision for r in ScriptDirectory.from_config(config).walk_revisions()))
        raise InvalidInput([FieldError("revision", f"unknown revision {revision!r} (known: {known}, head)")]) from None
    with db.engine.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    return before, current_revision(db)


def current_revision(db: Database) -> str | None:
    """The schema revision (``None``: empty, or a SQLite file not created yet, which this does not create)."""
    if not db.exists:
        return None
    with db.readonly_engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(db: Database) -> str | None:
    return ScriptDirectory.from_config(alembic_config(db)).get_current_head()


def is_current(db: Database) -> bool:
    return current_revision(db) == head_revision(db)
