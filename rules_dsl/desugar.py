"""Conditions reduced to fewer shapes before compiling, the same way for ``when`` and ``where``.

- a value before the field is moved after it (``3 < x`` reads ``x > 3``);
- ``x in [a, b]`` becomes ``x == a or x == b``;
- a date means the whole day: ``x <= 2026-11-30`` includes all of that day,
  ``x == 2026-11-27`` is any time on it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from rules_dsl import syntax as ast

FLIPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def desugar(expr: ast.Expr) -> ast.Expr:
    if isinstance(expr, ast.Or):
        return ast.Or(tuple(desugar(item) for item in expr.items))
    if isinstance(expr, ast.And):
        return ast.And(tuple(desugar(item) for item in expr.items))
    if isinstance(expr, ast.Not):
        return ast.Not(desugar(expr.expr))
    if isinstance(expr, ast.Member) and isinstance(expr.container, ast.ListLiteral):
        choices = ast.Or(tuple(desugar(ast.Compare("==", expr.item, item)) for item in expr.container.items))
        return ast.Not(choices) if expr.negated else choices
    if isinstance(expr, ast.Compare):
        return _compare(expr)
    return expr


def _compare(expr: ast.Compare) -> ast.Expr:
    if isinstance(expr.left, ast.Literal) and isinstance(expr.right, ast.FieldRef):
        expr = ast.Compare(FLIPPED[expr.op], expr.right, expr.left)
    right = expr.right
    if not (isinstance(right, ast.Literal) and right.kind == "date"):
        return expr
    assert isinstance(right.value, date)
    start = datetime(right.value.year, right.value.month, right.value.day, tzinfo=UTC)
    since, until = _at(start), _at(start + timedelta(days=1))
    field = expr.left
    if expr.op == "==":
        return ast.And((ast.Compare(">=", field, since), ast.Compare("<", field, until)))
    if expr.op == "!=":
        return ast.Not(ast.And((ast.Compare(">=", field, since), ast.Compare("<", field, until))))
    bound = {"<": ("<", since), "<=": ("<", until), ">": (">=", until), ">=": (">=", since)}[expr.op]
    return ast.Compare(bound[0], field, bound[1])


def _at(moment: datetime) -> ast.Literal:
    return ast.Literal("datetime", moment)
