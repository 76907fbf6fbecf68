"""From text to a compiled ruleset, with every problem reported at once."""

from __future__ import annotations

from pathlib import Path

from rules_dsl import syntax as ast
from rules_dsl.checker import check
from rules_dsl.compiled import CompiledRuleset, compile_ruleset
from rules_dsl.errors import Diagnostic, RulesError
from rules_dsl.formatter import format_ruleset
from rules_dsl.parser import parse, read


def diagnose(text: str, file: str = "<rules>") -> tuple[ast.Ruleset | None, list[Diagnostic]]:
    """The ruleset and every problem in it: syntax errors, then type errors of the rules that parsed."""
    ruleset, problems = read(text, file)
    if ruleset is not None:
        # one problem per place: a number in exponent form is not also "too large"
        reported = {(p.line, p.column) for p in problems}
        problems = problems + [p for p in check(ruleset, file) if (p.line, p.column) not in reported]
    return ruleset, sorted(problems)


def load(text: str, file: str = "<rules>") -> CompiledRuleset:
    """The compiled ruleset in ``text``; raises ``RulesError`` listing every problem."""
    ruleset, problems = diagnose(text, file)
    if problems or ruleset is None:
        raise RulesError(problems)
    return compile_ruleset(ruleset)


def load_file(path: str | Path) -> CompiledRuleset:
    path = Path(path)
    return load(path.read_text(encoding="utf-8"), str(path))


def format_text(text: str, file: str = "<rules>") -> str:
    """The canonical formatting of ``text``; raises ``RulesError`` on syntax errors."""
    return format_ruleset(parse(text, file))
