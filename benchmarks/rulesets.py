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
    """The rules language (issue 3) cannot compile the cookbook on this branch."""


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
    """The cookbook's rules matching ``patterns``, compiled against ``network``."""
    files = cookbook_files(patterns)
    compiler = _compiler()
    return compiler([path.read_text(encoding="utf-8") for path in files], [str(p) for p in files], network)


def _compiler():  # type: ignore[no-untyped-def]
    """rules_dsl's compile entry point, adapted to (texts, file names, network) -> compiled ruleset."""
    package = importlib.import_module("rules_dsl")
    compile_ruleset = getattr(package, "compile_ruleset", None)
    if compile_ruleset is None:
        raise RulesUnavailable("the rules preset needs rules_dsl.compile_ruleset (issue 3), not on this branch")

    def compile_all(texts: list[str], names: list[str], network: Network) -> object:
        return compile_ruleset("\n\n".join(texts), source_name=", ".join(names), network=network)

    return compile_all
