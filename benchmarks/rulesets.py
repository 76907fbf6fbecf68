"""The ``rules`` preset's ruleset: the rules language's cookbook, compiled for the engine.

The benchmark needs one thing from ``rules_dsl``: a compiled ruleset object
that ``source(..., rules=compiled)`` accepts.  ``load_ruleset`` is the only
place that knows how to get one, so wiring a new compiler API is a change
here and nowhere else.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from sourcing_engine.model import Network


class RulesUnavailable(Exception):
    """The rules language cannot compile the cookbook in this installation."""


def cookbook_files(patterns: tuple[str, ...]) -> list[Path]:
    try:
        package = importlib.import_module("rules_dsl")
    except ImportError as error:  # pragma: no cover - rules_dsl is part of the distribution
        raise RulesUnavailable("the rules preset needs the rules_dsl package") from error
    folder = Path(package.__file__ or "").resolve().parent / "cookbook"
    files = sorted({path for pattern in patterns for path in folder.glob(f"{pattern}.rules")})
    if not files:
        raise RulesUnavailable("the rules preset needs rules_dsl's cookbook (rules_dsl/cookbook/*.rules)")
    return files


def load_ruleset(patterns: tuple[str, ...], network: Network) -> object:
    """The cookbook's rules matching ``patterns``, as one ruleset compiled by ``rules_dsl``.

    Each cookbook file is a ruleset of its own; the preset applies them together, so their
    settings lines and rule blocks are gathered under one header.
    """
    files = cookbook_files(patterns)
    rules_dsl = importlib.import_module("rules_dsl")
    settings: list[str] = []
    rules: list[str] = []
    for path in files:
        head, *blocks = path.read_text(encoding="utf-8").split("\nrule ")
        settings += _settings_lines(head)
        rules += ["rule " + block.rstrip() for block in blocks]
    text = 'ruleset "cookbook" version 1\n\n'
    if settings:
        text += "settings\n" + "\n".join(settings) + "\n\n"
    text += "\n\n".join(rules) + "\n"
    try:
        return rules_dsl.load(text, "cookbook.rules")
    except rules_dsl.RulesError as error:
        raise RulesUnavailable(f"the cookbook does not compile as one ruleset: {error}") from error


def _settings_lines(head: str) -> list[str]:
    lines = head.splitlines()
    if "settings" not in (line.strip() for line in lines):
        return []
    start = [line.strip() for line in lines].index("settings") + 1
    return [line for line in lines[start:] if line.startswith("  ") and line.strip()]
