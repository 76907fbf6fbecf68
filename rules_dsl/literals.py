"""Literals as they are written: shared by the formatter and the checker's messages."""

from __future__ import annotations

from datetime import datetime

from rules_dsl import syntax as ast


def quote(value: str) -> str:
    r"""``value`` as a string literal that reads back as ``value``.

    A backslash is doubled only where it would otherwise start an escape
    (before ``"``, ``\`` or the closing quote), so patterns stay as written.
    """
    out = []
    for i, ch in enumerate(value):
        if ch == '"':
            out.append('\\"')
        elif ch == "\\" and (i + 1 == len(value) or value[i + 1] in '"\\'):
            out.append("\\\\")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def literal_text(literal: ast.Literal) -> str:
    value = literal.value
    if literal.kind == "text":
        return quote(str(value))
    if literal.kind == "bool":
        return "true" if value else "false"
    if literal.kind == "datetime":
        assert isinstance(value, datetime)
        return value.isoformat().replace("+00:00", "Z")
    if literal.kind == "date":
        return value.isoformat()  # type: ignore[union-attr]
    return str(value)
