"""Text to tree: the lark grammar, then a transformer into ``syntax`` nodes.

A syntax error stops lark, but a merchant wants to see every mistake at once:
after an error inside a rule, that rule is blanked out (keeping every other
position intact) and parsing resumes, so each broken rule reports its first
error.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedInput, UnexpectedToken

from rules_dsl import syntax as ast
from rules_dsl.errors import Diagnostic, RulesError
from rules_dsl.parse_messages import describe_syntax_error, is_missing_action

_collected = threading.local()


def _collect_comment(token: Token) -> Token:
    _collected.comments.append(token)
    return token


class _WholeWords:
    """Lex a name everywhere, so that ``sources`` is one unexpected word rather than ``source`` + ``s``.

    Keywords are still recognised: lark turns a name spelled like a keyword
    into that keyword wherever the keyword is expected.
    """

    always_accept = ("NAME",)

    def process(self, stream):
        return stream


_LARK = Lark(
    (Path(__file__).with_name("grammar.lark")).read_text(encoding="utf-8"),
    parser="lalr",
    propagate_positions=True,
    maybe_placeholders=True,
    postlex=_WholeWords(),
    lexer_callbacks={"COMMENT": _collect_comment},
)
_RULE_START = re.compile(r"^[ \t]*rule\b")
MAX_RECOVERIES = 200


def parse(text: str, file: str = "<rules>") -> ast.Ruleset:
    """The ruleset in ``text``; raises ``RulesError`` with every syntax error found."""
    ruleset, diagnostics = read(text, file)
    if diagnostics or ruleset is None:
        raise RulesError(diagnostics)
    return ruleset


def read(text: str, file: str = "<rules>") -> tuple[ast.Ruleset | None, list[Diagnostic]]:
    """What can be parsed of ``text``, broken rules left out, and every syntax error.

    The ruleset is None when the error is outside any rule (in the header or
    the settings), where there is nothing sensible to resume from.
    """
    diagnostics: list[Diagnostic] = []
    for _ in range(MAX_RECOVERIES):
        _collected.comments = []
        try:
            tree = _LARK.parse(text)
        except UnexpectedInput as err:
            # without its header a file has nothing to resume from
            block = None if "RULESET" in getattr(err, "expected", ()) else _failing_block(text, err)
            line, column = _position(err, text)
            if is_missing_action(err) and block is not None:
                first = text.split("\n")[block[0]]
                line, column = block[0] + 1, len(first) - len(first.lstrip()) + 1
            diagnostics.append(Diagnostic(file, line, column, describe_syntax_error(err, _LARK, text)))
            if block is None:
                break
            text = _blank(text, block)
            continue
        builder = _ToSyntax(file)
        ruleset = builder.transform(tree)
        return _with_comments(ruleset, text, _collected.comments), diagnostics + builder.errors
    return None, diagnostics


def _position(err: UnexpectedInput, text: str) -> tuple[int, int]:
    if isinstance(err, UnexpectedToken) and err.token.type == "$END":
        lines = text.rstrip().splitlines() or [""]
        return len(lines), len(lines[-1]) + 1
    return err.line, err.column


def _failing_block(text: str, err: UnexpectedInput) -> tuple[int, int] | None:
    """The lines ``[start, end)`` of the rule holding the error, or None outside any rule."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if _RULE_START.match(line)]
    at_end = isinstance(err, UnexpectedToken) and err.token.type == "$END"
    error_line = len(lines) - 1 if at_end else err.line - 1
    before = [s for s in starts if s <= error_line]
    if not before:
        return None
    start = before[-1]
    if isinstance(err, UnexpectedToken) and err.token.type == "RULE" and start == error_line:
        # the rule before this one ended too early
        earlier = [s for s in starts if s < start]
        if not earlier:
            return None
        start = earlier[-1]
    after = [s for s in starts if s > start]
    return start, after[0] if after else len(lines)


def _blank(text: str, block: tuple[int, int]) -> str:
    """``text`` with the lines of ``block`` turned to spaces, so that every other position stays put."""
    start, end = block
    lines = text.split("\n")
    return "\n".join(re.sub(r"\S", " ", line) if start <= i < end else line for i, line in enumerate(lines))


def _with_comments(ruleset: ast.Ruleset, text: str, tokens: list[Token]) -> ast.Ruleset:
    lines = text.split("\n")
    comments = tuple(
        ast.Comment(
            text=str(tok)[1:],
            line=tok.line,
            column=tok.column,
            trailing=bool(lines[tok.line - 1][: tok.column - 1].strip()),
        )
        for tok in tokens
    )
    return dataclasses.replace(ruleset, comments=comments)


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
class _ToSyntax(Transformer):
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
        number = Decimal(str(version))
        if number != number.to_integral_value() or number < 1:
            message = f"version must be a positive integer, not {version}"
            self.errors.append(Diagnostic(self.file, version.line, version.column, message))
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
        return int(items[0])

    def when(self, meta, items):
        return _When(items[0])

    def filter_action(self, meta, items):
        verb, where = items
        return ast.SourceAction(str(verb), where, None, None, meta.line, meta.column)

    def cost_action(self, meta, items):
        verb, where, amount, per = items
        literal = ast.Literal("number", Decimal(str(amount)), amount.line, amount.column)
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
        return ast.Literal("number", Decimal(str(items[0])), meta.line, meta.column)

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
        amount, unit = re.fullmatch(r"([\d.]+)(ms|s|m|h|d)", str(items[0])).groups()
        return ast.Literal("duration", ast.Duration(Decimal(amount), unit), meta.line, meta.column)

    def true(self, meta, items):
        return ast.Literal("bool", True, meta.line, meta.column)

    def false(self, meta, items):
        return ast.Literal("bool", False, meta.line, meta.column)


def _flatten(kind: type, items: list) -> tuple:
    out: list = []
    for item in items:
        out.extend(item.items if isinstance(item, kind) else [item])
    return tuple(out)
