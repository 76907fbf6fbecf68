"""Type-checking a parsed ruleset against the known fields: every problem, with a hint where one helps."""

from __future__ import annotations

from collections.abc import Iterator

from rules_dsl import syntax as ast
from rules_dsl.errors import Diagnostic
from rules_dsl.expr_types import ExprChecker
from rules_dsl.limits import MAX_AMOUNT, MAX_ATTEMPTS, MAX_NUMBER, MAX_SHIPMENTS, MAX_TIME_LIMIT_SECONDS
from rules_dsl.schema import SETTINGS, did_you_mean

Problem = tuple[int, int, str]  # line, column, message


def check(ruleset: ast.Ruleset, file: str | None = None) -> list[Diagnostic]:
    """Every problem in ``ruleset``; an empty list when it can be compiled."""
    name = file if file is not None else ruleset.file
    problems = list(_ruleset_problems(ruleset))
    return sorted(Diagnostic(name, line, column, message) for line, column, message in problems)


def _ruleset_problems(ruleset: ast.Ruleset) -> Iterator[Problem]:
    if not ruleset.name.strip():
        yield ruleset.line, ruleset.column, "the ruleset needs a name"
    seen: dict[str, ast.Setting] = {}
    for setting in ruleset.settings:
        if setting.name in seen:
            first = seen[setting.name]
            yield setting.line, setting.column, f"{setting.name} is already set on line {first.line}"
        seen.setdefault(setting.name, setting)
        yield from setting_problems(setting)
    names: dict[str, ast.Rule] = {}
    for rule in ruleset.rules:
        if rule.name in names:
            yield rule.line, rule.column, f'duplicate rule name "{rule.name}" (first on line {names[rule.name].line})'
        names.setdefault(rule.name, rule)
        yield from _rule_problems(rule)


def _rule_problems(rule: ast.Rule) -> Iterator[Problem]:
    if not rule.name.strip():
        yield rule.line, rule.column, "a rule needs a name"
    if rule.when is not None:
        yield from ExprChecker("when").problems(rule.when)
        yield from _number_sizes(rule.when)
    for action in rule.actions:
        yield from _action_problems(action)


def _number_sizes(node: object) -> Iterator[Problem]:
    """Number literals of a condition beyond MAX_NUMBER: no field of an order or a source is that large."""
    if isinstance(node, ast.Literal) and node.kind == "number" and abs(node.value) > MAX_NUMBER:
        yield node.line, node.column, f"{node.value} is too large: numbers in rules are at most {MAX_NUMBER:,} in size"
    children = {
        ast.Or: lambda n: n.items,
        ast.And: lambda n: n.items,
        ast.Not: lambda n: (n.expr,),
        ast.Compare: lambda n: (n.left, n.right),
        ast.Member: lambda n: (n.item, n.container),
        ast.ListLiteral: lambda n: n.items,
    }
    for kind, parts in children.items():
        if isinstance(node, kind):
            for part in parts(node):
                yield from _number_sizes(part)


def _action_problems(action: ast.Action) -> Iterator[Problem]:
    if isinstance(action, ast.SourceAction):
        yield from ExprChecker("where").problems(action.where)
        if action.amount is not None:
            if action.amount.value > MAX_AMOUNT:
                yield (
                    action.amount.line,
                    action.amount.column,
                    f"the amount after 'by' must be at most {MAX_AMOUNT:,}"
                    " (to keep a source out of every plan, use exclude)",
                )
            if action.amount.value <= 0:
                other = "avoid" if action.verb == "prefer" else "prefer"
                yield (
                    action.amount.line,
                    action.amount.column,
                    f"the amount after 'by' must be greater than 0 (to turn {action.verb} around, use {other})",
                )
            if action.per not in ("shipment", "unit"):
                hint = did_you_mean(str(action.per), ("shipment", "unit"))
                yield action.line, action.column, f"'per {action.per}': amounts are per shipment or per unit{hint}"
    elif isinstance(action, ast.SetAction):
        yield from setting_problems(action.setting)
    elif isinstance(action, ast.HoldAction):
        if not action.reason.strip():
            yield action.line, action.column, 'hold needs a reason the team will read, e.g. reason "fraud review"'
    elif isinstance(action, ast.BackorderAction) and action.mode not in ("allow", "deny"):
        hint = did_you_mean(action.mode, ("allow", "deny"))
        yield action.line, action.column, f"backorder takes allow or deny, not '{action.mode}'{hint}"


def setting_problems(setting: ast.Setting) -> Iterator[Problem]:
    spec = SETTINGS.get(setting.name)
    if spec is None:
        hint = did_you_mean(setting.name, list(SETTINGS))
        yield setting.line, setting.column, f"unknown setting '{setting.name}'{hint} (settings: {', '.join(SETTINGS)})"
        return
    value = setting.value
    at = (value.line, value.column)
    problem = _setting_value_problem(setting.name, value)
    if problem:
        yield *at, problem


def _setting_value_problem(name: str, value: ast.SettingValue) -> str | None:
    if name == "split_penalty":
        if not _is_number(value) or not 0 <= value.value <= MAX_AMOUNT:
            return f"split_penalty must be an amount of money from 0 to {MAX_AMOUNT:,}, e.g. 5.00"
    elif name == "max_shipments":
        if not _is_number(value) or value.value != value.value.to_integral_value() or value.value < 1:
            return "max_shipments must be a positive integer"
        if value.value > MAX_SHIPMENTS:
            return f"max_shipments must be at most {MAX_SHIPMENTS:,}"
    elif name == "time_limit":
        if not (isinstance(value, ast.Literal) and value.kind == "duration") or value.value.seconds <= 0:
            return "time_limit must be a positive duration such as 500ms or 2s"
        if value.value.seconds > MAX_TIME_LIMIT_SECONDS:
            return f"time_limit must be at most 1h ({MAX_TIME_LIMIT_SECONDS:,}s), not {value.value}"
    elif name == "partial":
        return _word_problem("partial", value, ("ship", "hold"))
    elif name == "bundles":
        return _bundles_problem(value)
    return None


def _word_problem(name: str, value: ast.SettingValue, words: tuple[str, ...]) -> str | None:
    if isinstance(value, ast.Word) and value.word in words:
        return None if value.arg is None else f"{name} {value.word} takes nothing after it"
    choices = " or ".join(words)
    if isinstance(value, ast.Word):
        return f"{name} takes {choices}, not '{value.word}'{did_you_mean(value.word, words)}"
    return f"{name} takes {choices}"


def _bundles_problem(value: ast.SettingValue) -> str | None:
    if isinstance(value, ast.Word) and value.word == "together" and value.arg is None:
        return None
    if isinstance(value, ast.Word) and value.word == "split_after":
        arg = value.arg
        if arg is None or not _is_number(arg) or arg.value != arg.value.to_integral_value() or arg.value < 1:
            return "bundles split_after needs a positive whole number of attempts, e.g. split_after 2"
        if arg.value > MAX_ATTEMPTS:
            return f"bundles split_after takes at most {MAX_ATTEMPTS:,} attempts"
        return None
    hint = did_you_mean(value.word, ("together", "split_after")) if isinstance(value, ast.Word) else ""
    return f"bundles takes together or split_after N{hint}"


def _is_number(value: ast.SettingValue) -> bool:
    return isinstance(value, ast.Literal) and value.kind == "number"
