"""Lark's parse tree to ``syntax`` nodes, with the literals' values read and checked."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

from lark import Token, Transformer, v_args

from rules_dsl import syntax as ast
from rules_dsl.errors import Diagnostic
from rules_dsl.limits import MAX_PRIORITY, MAX_VERSION


def unquote(token: str) -> str:
    r"""The text of a string literal: ``\"`` and ``\\`` are escapes, any other backslash is kept.

    Keeping other backslashes lets regular expressions read as written (``"A\.B"``).
    """
    return re.sub(r'\\(["\\])', r"\1", token[1:-1])


def _parse_datetime(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class _When:
    def __init__(self, expr: ast.Expr) -> None:
        self.expr = expr


@v_args(meta=True)
class SyntaxBuilder(Transformer):
    """Tree to ``syntax`` nodes; and/or chains are flattened so the tree does not depend on parentheses."""

    def __init__(self, file: str) -> None:
        super().__init__()
        self.file = file
        self.errors: list[Diagnostic] = []

    def _bad_literal(self, token: Token, kind: ast.LiteralKind, placeholder: object, message: str) -> ast.Literal:
        """Report a literal that reads right but means nothing; a placeholder of its kind avoids follow-up errors."""
        self.errors.append(Diagnostic(self.file, token.line, token.column, message))
        return ast.Literal(kind, placeholder, token.line, token.column)

    def start(self, meta, items):
        header, *rest = items
        settings, settings_line = rest[0] if rest and isinstance(rest[0], tuple) else ((), 0)
        rules = tuple(item for item in rest if isinstance(item, ast.Rule))
        name, version, line, column = header
        return ast.Ruleset(name, version, settings, rules, line, column, self.file, settings_line)

    def header(self, meta, items):
        name, version = items
        if version is None:  # reported once here; the rules after the header still parse
            message = f"the header needs a version: ruleset {name} version 1"
            self.errors.append(Diagnostic(self.file, name.end_line, name.end_column, message))
            return unquote(name), 1, meta.line, meta.column
        number = self._number(version)
        if number != number.to_integral_value() or not 1 <= number <= MAX_VERSION:
            bound = "" if number < 1 or number != number.to_integral_value() else f" of at most {MAX_VERSION:,}"
            message = f"version must be a positive integer{bound}, not {version}"
            self.errors.append(Diagnostic(self.file, version.line, version.column, message))
            return unquote(name), 1, meta.line, meta.column
        return unquote(name), int(number), meta.line, meta.column

    def settings(self, meta, items):
        return tuple(items), meta.line

    def setting(self, meta, items):
        name, value = items
        return ast.Setting(str(name), value, meta.line, meta.column)

    def word(self, meta, items):
        word, arg = items
        return ast.Word(str(word), arg, meta.line, meta.column)

    def rule(self, meta, items):
        name, *rest = items
        priority = next((x for x in rest if isinstance(x, int) and not isinstance(x, bool)), None)
        when = next((x.expr for x in rest if isinstance(x, _When)), None)
        actions = tuple(x for x in rest if isinstance(x, ast.Action))
        return ast.Rule(unquote(name), actions, when, priority, meta.line, meta.column, meta.end_line)

    def priority(self, meta, items):
        value = int(items[0])
        if abs(value) > MAX_PRIORITY:
            message = f"a rule's priority is between -{MAX_PRIORITY:,} and {MAX_PRIORITY:,}, not {items[0]}"
            self.errors.append(Diagnostic(self.file, items[0].line, items[0].column, message))
            return 0
        return value

    def when(self, meta, items):
        return _When(items[0])

    def filter_action(self, meta, items):
        verb, where = items
        return ast.SourceAction(str(verb), where, None, None, meta.line, meta.column)

    def cost_action(self, meta, items):
        verb, where, amount, per = items
        literal = ast.Literal("number", self._number(amount), amount.line, amount.column)
        return ast.SourceAction(str(verb), where, literal, str(per), meta.line, meta.column)

    def set_action(self, meta, items):
        name, value = items
        setting = ast.Setting(str(name), value, name.line, name.column)
        return ast.SetAction(setting, meta.line, meta.column)

    def hold_action(self, meta, items):
        return ast.HoldAction(unquote(items[0]), meta.line, meta.column)

    def backorder_action(self, meta, items):
        return ast.BackorderAction(str(items[0]), meta.line, meta.column)

    def or_expr(self, meta, items):
        return ast.Or(_flatten(ast.Or, items), meta.line, meta.column)

    def and_expr(self, meta, items):
        return ast.And(_flatten(ast.And, items), meta.line, meta.column)

    def negation(self, meta, items):
        return ast.Not(items[1], meta.line, meta.column)

    def compare(self, meta, items):
        left, op, right = items
        return ast.Compare(str(op), left, right, meta.line, meta.column)

    def member(self, meta, items):
        return ast.Member(items[0], items[1], False, meta.line, meta.column)

    def not_member(self, meta, items):
        return ast.Member(items[0], items[2], True, meta.line, meta.column)

    def matches(self, meta, items):
        subject, pattern = items
        return ast.Matches(subject, self._text(pattern), False, meta.line, meta.column)

    def not_matches(self, meta, items):
        subject, _, pattern = items
        return ast.Matches(subject, self._text(pattern), True, meta.line, meta.column)

    def truthy(self, meta, items):
        return ast.Truthy(items[0], meta.line, meta.column)

    def list(self, meta, items):
        return ast.ListLiteral(tuple(x for x in items if x is not None), meta.line, meta.column)

    def field(self, meta, items):
        return ast.FieldRef(tuple(str(x) for x in items), meta.line, meta.column)

    def _text(self, token: Token) -> ast.Literal:
        return ast.Literal("text", unquote(token), token.line, token.column)

    def text(self, meta, items):
        return self._text(items[0])

    def number(self, meta, items):
        return ast.Literal("number", self._number(items[0]), meta.line, meta.column)

    def _number(self, token: Token) -> Decimal:
        """A number as written; an exponent is reported (the value still reads, to spare follow-up errors)."""
        text = str(token)
        value = Decimal(text)
        if "e" in text.lower():
            plain = f": {_plain(value)} rather than {text}" if abs(value.adjusted()) <= 20 else ""
            message = f"numbers are written without an exponent{plain}"
            self.errors.append(Diagnostic(self.file, token.line, token.column, message))
            return value if abs(value) <= 10**15 else Decimal(0)  # reported once: no "too large" as well
        return value

    def datetime(self, meta, items):
        try:
            return ast.Literal("datetime", _parse_datetime(str(items[0])), meta.line, meta.column)
        except ValueError as err:
            return self._bad_literal(
                items[0], "datetime", datetime.min.replace(tzinfo=UTC), f"invalid date and time {items[0]}: {err}"
            )

    def date(self, meta, items):
        try:
            return ast.Literal("date", date.fromisoformat(str(items[0])), meta.line, meta.column)
        except ValueError as err:
            return self._bad_literal(items[0], "date", date.min, f"invalid date {items[0]}: {err}")

    def duration(self, meta, items):
        sign, amount, unit = re.fullmatch(r"(-?)([\d.]+)(ms|s|m|h|d)", str(items[0])).groups()
        if sign:
            message = f"a duration cannot be negative: {items[0]}"
            self.errors.append(Diagnostic(self.file, items[0].line, items[0].column, message))
        return ast.Literal("duration", ast.Duration(Decimal(amount), unit), meta.line, meta.column)

    def true(self, meta, items):
        return ast.Literal("bool", True, meta.line, meta.column)

    def false(self, meta, items):
        return ast.Literal("bool", False, meta.line, meta.column)


def _plain(value: Decimal) -> str:
    """``value`` in plain digits: 1e4 as 10000, 2.5E-3 as 0.0025."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _flatten(kind: type, items: list) -> tuple:
    out: list = []
    for item in items:
        out.extend(item.items if isinstance(item, kind) else [item])
    return tuple(out)
