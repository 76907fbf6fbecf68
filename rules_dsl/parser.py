"""Text to tree: the lark grammar, then a transformer into ``syntax`` nodes.

A syntax error stops lark, but a merchant wants to see every mistake at once:
after an error inside a rule, that rule is blanked out (keeping every other
position intact) and parsing resumes, so each broken rule reports its first
error.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import threading
from pathlib import Path

from lark import Lark, Token
from lark.exceptions import UnexpectedInput, UnexpectedToken

from rules_dsl import syntax as ast
from rules_dsl.errors import Diagnostic, RulesError
from rules_dsl.parse_messages import describe_syntax_error, is_missing_action
from rules_dsl.tree import SyntaxBuilder

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


@functools.cache
def _lark() -> Lark:
    """The parser, built on first use: building it costs a fifth of a second that most commands never need."""
    return Lark(
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
            tree = _lark().parse(text)
        except UnexpectedInput as err:
            # without its header a file has nothing to resume from
            block = None if "RULESET" in getattr(err, "expected", ()) else _failing_block(text, err)
            line, column = _position(err, text)
            if is_missing_action(err) and block is not None:
                first = text.split("\n")[block[0]]
                line, column = block[0] + 1, len(first) - len(first.lstrip()) + 1
            diagnostics.append(Diagnostic(file, line, column, describe_syntax_error(err, _lark(), text)))
            if block is None:
                break
            text = _blank(text, block)
            continue
        builder = SyntaxBuilder(file)
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
