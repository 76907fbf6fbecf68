"""The ``oms`` command starts fast: a command imports what it needs when it runs, nothing more."""

from __future__ import annotations

import subprocess
import sys

import pytest

from api.cli import COMMANDS, main

HEAVY = ("matplotlib", "highspy", "pandas", "ortools", "sqlalchemy", "alembic", "benchmarks")


def imported_after(statement: str) -> set[str]:
    probe = f"import sys; {statement}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_importing_the_command_line_imports_no_solver_database_or_plotting_library() -> None:
    assert imported_after("import api.cli") & set(HEAVY) == set()


def test_the_rules_commands_need_neither_the_solver_nor_the_database() -> None:
    assert imported_after("import api.cli.rules") & set(HEAVY) == set()


def test_oms_source_imports_no_plotting_library_nor_the_database_nor_the_rules_language() -> None:
    loaded = imported_after("import api.cli.source")
    assert loaded & {*HEAVY, "rules_dsl", "lark", "durable_rules_engine"} == set()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_help_listing_says_what_each_command_says_of_itself(name: str) -> None:
    command = main.get_command(None, name)  # type: ignore[arg-type]
    assert command is not None
    assert command.name == name
    assert command.get_short_help_str(limit=500) == COMMANDS[name][2]


def test_an_unknown_command_is_still_a_usage_error() -> None:
    done = subprocess.run([sys.executable, "-m", "api", "sourcez"], capture_output=True, text=True)
    assert done.returncode == 2
    assert "No such command" in done.stderr
