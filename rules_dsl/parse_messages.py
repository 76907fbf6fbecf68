"""Syntax errors in words a merchant understands, not in the grammar's terminal names."""

from __future__ import annotations

from lark import Lark
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lexer import PatternStr

_READABLE = {
    "STRING": "a string in double quotes",
    "NUMBER": "a number",
    "SIGNED_INT": "a whole number",
    "NAME": "a name",
    "DATE": "a date",
    "DATETIME": "a date and time",
    "DURATION": "a duration",
    "COMPARE": "a comparison (== != < <= > >=)",
    "$END": "end of file",
}
_ACTIONS = {"EXCLUDE", "ONLY", "PREFER", "AVOID", "SET", "HOLD", "BACKORDER"}
ACTION_WORDS = "exclude, only, prefer, avoid, set, hold or backorder"


def describe_syntax_error(err: UnexpectedInput, lark: Lark, text: str) -> str:
    if isinstance(err, UnexpectedCharacters):
        return _unexpected_character(text[err.pos_in_stream])
    if not isinstance(err, UnexpectedToken):
        return "syntax error"
    token, expected = err.token, set(err.expected)
    if is_missing_action(err):
        return f"a rule needs at least one action ({ACTION_WORDS})"
    if token.type == "$END" and "RULESET" in expected:
        return 'the file is empty: it must start with ruleset "NAME" version N'
    if "RULESET" in expected:
        return f'unexpected {_describe_token(token)}; a rules file starts with ruleset "NAME" version N'
    return f"unexpected {_describe_token(token)}; expected {_describe_expected(expected, lark)}"


def is_missing_action(err: UnexpectedInput) -> bool:
    """A rule that ended (the next rule or the end of the file) before any action."""
    return isinstance(err, UnexpectedToken) and err.token.type in ("RULE", "$END") and "EXCLUDE" in err.expected


def _unexpected_character(char: str) -> str:
    if char == '"':
        return 'unterminated string: close it with " on the same line'
    if char == "=":
        return "unexpected '='; use == to compare"
    if char == "!":
        return "unexpected '!'; use != to compare, or 'not' to negate a condition"
    if char == "'":
        return 'unexpected "\'"; strings are written in double quotes'
    return f"unexpected character {char!r}"


def _describe_token(token) -> str:
    if token.type == "$END":
        return "end of file"
    if token.type == "STRING":
        return f"string {token}"
    if token.type in ("NUMBER", "SIGNED_INT"):
        return f"number {token}"
    if token.type in ("DATE", "DATETIME", "DURATION"):
        return f"{_READABLE[token.type][2:]} {token}"
    return f"'{token}'"


def _describe_expected(expected: set[str], lark: Lark) -> str:
    words: list[str] = []
    if expected >= _ACTIONS:
        words.append(f"an action ({ACTION_WORDS})")
        expected = expected - _ACTIONS
    for name in sorted(expected):
        words.append(_describe_terminal(name, lark))
    words = sorted(dict.fromkeys(words), key=lambda w: (not w.startswith("'"), w))
    if len(words) == 1:
        return words[0]
    return "one of " + ", ".join(words)


def _describe_terminal(name: str, lark: Lark) -> str:
    if name in _READABLE:
        return _READABLE[name]
    try:
        pattern = lark.get_terminal(name).pattern
    except KeyError:
        return name.lower()
    if isinstance(pattern, PatternStr):
        return f"'{pattern.value}'"
    return name.lower()
