"""``oms users``: create with a password from stdin (never argv), list, disable; bad input exits 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from api.cli import main
from oms.adapters import tables as t
from oms.domain.users import MAX_NAME, MAX_PASSWORD, MIN_PASSWORD
from oms.service.app import Oms
from oms.service.users import sign_in
from tests.oms.databases import database

PASSWORD = "a long enough passphrase"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    with database("sqlite", tmp_path) as url:
        monkeypatch.setenv("OMS_DATABASE_URL", url)

        def run(*args: str, code: int = 0, stdin: str | None = None) -> Any:
            result = CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)
            assert result.exit_code == code, (result.stdout, result.stderr)
            return result

        run.url = url  # type: ignore[attr-defined]
        yield run


def test_a_user_created_with_a_password_on_stdin_can_sign_in_and_the_hash_is_argon2(cli) -> None:
    done = cli(
        "users", "create", "ann", "--role", "support", "--channel", "web", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert "user ann created (support, web)" in done.stdout
    oms = Oms.connect(cli.url)
    assert sign_in(oms, "ann", PASSWORD, "127.0.0.1").user.channels == frozenset({"web"})
    with oms.db.engine.connect() as conn:
        stored = conn.execute(select(t.users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    oms.db.dispose()


def test_without_a_terminal_or_password_stdin_create_says_how_to_give_the_password(cli) -> None:
    done = cli("users", "create", "ann", "--role", "support", code=2, stdin="")
    assert "--password-stdin" in done.stderr


def test_there_is_no_option_to_put_a_password_on_the_command_line(cli) -> None:
    done = cli("users", "create", "ann", "--role", "support", "--password", PASSWORD, code=2)
    assert "No such option" in done.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "field"),
    [
        (["x" * (MAX_NAME + 1)], PASSWORD, "name"),
        (["bad name"], PASSWORD, "name"),
        ([".dot-first"], PASSWORD, "name"),
        (["ann"], "p" * (MIN_PASSWORD - 1), "password"),
        (["ann"], "p" * (MAX_PASSWORD + 1), "password"),
        (["ann"], "pass\x00word-long-enough", "password"),
        (["ann", "--channel", "c" * 65], PASSWORD, "channels[0]"),
    ],
)
def test_bad_names_passwords_and_channels_exit_2_naming_the_field(cli, args, stdin, field) -> None:
    done = cli("users", "create", *args, "--role", "support", "--password-stdin", code=2, stdin=stdin + "\n")
    assert f"{field}:" in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_role_is_a_usage_error(cli) -> None:
    cli("users", "create", "ann", "--role", "wizard", "--password-stdin", code=2, stdin=PASSWORD)


def test_a_second_user_of_the_same_name_is_refused_with_exit_1(cli) -> None:
    cli("users", "create", "ann", "--role", "support", "--password-stdin", stdin=PASSWORD)
    done = cli("users", "create", "ann", "--role", "admin", "--password-stdin", code=1, stdin=PASSWORD)
    assert "exists already" in done.stderr


def test_users_are_listed_and_disabled_users_cannot_sign_in(cli) -> None:
    cli("users", "create", "ann", "--role", "support", "--password-stdin", stdin=PASSWORD)
    cli("users", "create", "bob", "--role", "merchant", "--password-stdin", stdin=PASSWORD)
    assert "user bob disabled" in cli("users", "disable", "bob").stdout
    listed = json.loads(cli("users", "list", "--json").stdout)
    assert [(u["name"], u["role"], u["disabled_at"] is not None) for u in listed] == [
        ("ann", "support", False),
        ("bob", "merchant", True),
    ]
    assert all("hash" not in json.dumps(u) for u in listed)
    text = cli("users", "list").stdout
    assert "ann" in text and "disabled" in text
    assert "no user named 'carl'" in cli("users", "disable", "carl", code=2).stderr


def test_a_new_password_lifts_a_lockout_and_the_old_one_stops_working(cli) -> None:
    from oms.domain.users import MAX_FAILURES
    from oms.service.users import SignInRefused

    cli("users", "create", "ann", "--role", "support", "--password-stdin", stdin=PASSWORD)
    oms = Oms.connect(cli.url)
    for _ in range(MAX_FAILURES):
        with pytest.raises(SignInRefused):
            sign_in(oms, "ann", "wrong password!", "10.0.0.1")
    with pytest.raises(SignInRefused, match="locked"):
        sign_in(oms, "ann", PASSWORD, "10.0.0.2")
    assert (
        "password of ann changed"
        in cli("users", "password", "ann", "--password-stdin", stdin="another passphrase").stdout
    )
    assert sign_in(oms, "ann", "another passphrase", "10.0.0.2").user.name == "ann"
    with pytest.raises(SignInRefused, match="wrong name or password"):
        sign_in(oms, "ann", PASSWORD, "10.0.0.2")
    assert "password: must be" in cli("users", "password", "ann", "--password-stdin", code=2, stdin="short").stderr
    oms.db.dispose()
