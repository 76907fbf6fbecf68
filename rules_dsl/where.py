"""``where`` predicates compiled into vectorized masks over the network's sources.

A predicate becomes a tree of small functions over numpy arrays, one entry
per source.  Order and line fields (and literals) are scalars broadcast
against the source columns.  ``depends`` tells the caller how long a mask
stays valid: for the network (sources only), for an order (order fields,
``distance_km``) or for a line (line fields, ``available``).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rules_dsl import syntax as ast
from rules_dsl.desugar import desugar
from rules_dsl.facts import LineFacts, OrderFacts, Placement, line_value, order_value
from rules_dsl.formatter import format_expr
from rules_dsl.patterns import fullmatch
from rules_dsl.schema import lookup
from rules_dsl.source_table import PLACEHOLDER, Column, SourceTable
from rules_dsl.values import KIND_OF_TYPE, ValueKind, coerce, literal_value

OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
SOURCE, ORDER, LINE = "source", "order", "line"


@dataclass(slots=True)
class Env:
    table: SourceTable
    order: OrderFacts
    placement: Placement
    line: LineFacts | None = None
    order_masks: dict[str, np.ndarray] = field(default_factory=dict)  # parts that hold for the whole order


Mask = Callable[[Env], Any]  # a bool array over the sources, or a bool to broadcast


@dataclass(frozen=True, slots=True)
class WherePredicate:
    expr: ast.Expr
    key: str  # the predicate as written canonically: equal predicates share cached masks
    evaluate: Mask
    depends: str  # source | order | line

    def mask(self, env: Env) -> np.ndarray:
        """The predicate over every source; callers must not modify it (it may be a cached column)."""
        out = self.evaluate(env)
        if isinstance(out, np.ndarray) and out.dtype == bool and out.shape == (env.table.size,):
            return out
        return np.array(np.broadcast_to(np.asarray(out, dtype=bool), (env.table.size,)))


def compile_where(expr: ast.Expr) -> WherePredicate:
    plain = desugar(expr)
    return WherePredicate(expr, format_expr(expr), _expr(plain), _depends(plain))


def _depends(expr: ast.Expr) -> str:
    names = set(ast.field_names(expr))
    if any(n.startswith("line.") or n == "available" for n in names):
        return LINE
    if any(n.startswith("order.") or n == "distance_km" for n in names):
        return ORDER
    return SOURCE


def _expr(expr: ast.Expr) -> Mask:
    if isinstance(expr, ast.Or | ast.And):
        return _junction(expr)
    if isinstance(expr, ast.Not):
        inner = _expr(expr.expr)
        return lambda env: np.logical_not(inner(env))
    if isinstance(expr, ast.Compare):
        return _compare(expr)
    if isinstance(expr, ast.Member):
        return _member(expr)
    if isinstance(expr, ast.Matches):
        return _matches(expr)
    assert isinstance(expr, ast.Truthy)
    value = _operand(expr.operand, "bool")
    return lambda env: _truthy(value(env))


def _junction(expr: ast.Or | ast.And) -> Mask:
    """and/or; where the parts depend on less than the whole, their answers are kept for reuse.

    ``source.type == "store" and available <= 3`` is evaluated line by line, but its
    first part is the same for every line of every order: it is computed once per network.
    """
    combine = np.logical_or if isinstance(expr, ast.Or) else np.logical_and
    by_level: dict[str, list[ast.Expr]] = {}
    for item in expr.items:
        by_level.setdefault(_depends(item), []).append(item)
    parts = []
    for level, items in by_level.items():
        part = _expr(items[0]) if len(items) == 1 else _plain_junction(type(expr)(tuple(items)))
        if len(by_level) > 1 and level != LINE:
            part = _kept(part, level, format_expr(items[0] if len(items) == 1 else type(expr)(tuple(items))))
        parts.append(part)
    return lambda env: functools.reduce(combine, [part(env) for part in parts])


def _plain_junction(expr: ast.Or | ast.And) -> Mask:
    combine = np.logical_or if isinstance(expr, ast.Or) else np.logical_and
    parts = [_expr(item) for item in expr.items]
    return lambda env: functools.reduce(combine, [part(env) for part in parts])


def _kept(part: Mask, level: str, key: str) -> Mask:
    def kept(env: Env) -> np.ndarray:
        store = env.table.masks if level == SOURCE else env.order_masks
        found = store.get(key)
        if found is None:
            found = store[key] = np.array(np.broadcast_to(np.asarray(part(env), dtype=bool), (env.table.size,)))
        return found

    return kept


def _truthy(column: Column) -> Any:
    values, present = column
    return np.logical_and(values, present)


def _compare(expr: ast.Compare) -> Mask:
    kind = _compare_kind(expr.left, expr.right)
    left, right, op = _operand(expr.left, kind), _operand(expr.right, kind), expr.op

    def evaluate(env: Env) -> Any:
        (lv, lp), (rv, rp) = left(env), right(env)
        present = np.logical_and(lp, rp)
        if op == "!=":  # true on an absent value, as in `when`
            return np.logical_not(np.logical_and(present, _relate("==", lv, rv, kind)))
        return np.logical_and(present, _relate(op, lv, rv, kind))

    return evaluate


def _relate(op: str, left: Any, right: Any, kind: ValueKind) -> Any:
    if kind != "any":
        return OPS[op](left, right)
    # two attributes of unknown types: related only where their kinds agree
    pairs = np.broadcast(np.asarray(left, dtype=object), np.asarray(right, dtype=object))
    return np.fromiter((_same_kind(a, b) and bool(OPS[op](a, b)) for a, b in pairs), dtype=bool, count=pairs.size)


def _same_kind(a: Any, b: Any) -> bool:
    return any(coerce(a, kind) is not None and coerce(b, kind) is not None for kind in ("bool", "number", "text"))


def _member(expr: ast.Member) -> Mask:
    container = expr.container
    assert isinstance(container, ast.FieldRef)  # list literals were desugared into comparisons
    item = _operand(expr.item, "text")
    negated = expr.negated
    if _is_source_field(container) and not _is_source_field(expr.item):
        name = container.name

        def listed_here(env: Env) -> Any:
            value, present = item(env)
            found = env.table.membership(name, value) if present else False
            return np.logical_not(found) if negated else found

        return listed_here
    lists = _operand(container, "list")

    def listed(env: Env) -> Any:
        (values, vp), (holders, hp) = item(env), lists(env)
        pairs = np.broadcast(np.asarray(values, dtype=object), np.asarray(vp), _objects(holders), np.asarray(hp))
        found = np.fromiter((bool(p and q and v in h) for v, p, h, q in pairs), dtype=bool, count=pairs.size)
        return np.logical_not(found) if negated else found

    return listed


def _objects(value: Any) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    holder = np.empty((), dtype=object)
    holder[()] = value
    return holder


def _matches(expr: ast.Matches) -> Mask:
    pattern = str(expr.pattern.value)
    negated = expr.negated
    subject = expr.subject
    assert isinstance(subject, ast.FieldRef)
    if _is_source_field(subject):
        name = subject.name

        def source_matches(env: Env) -> Any:
            found = env.table.matches(name, pattern)
            return np.logical_not(found) if negated else found

        return source_matches
    text = _operand(subject, "text")

    def scalar_matches(env: Env) -> bool:
        value, present = text(env)
        return bool(present and fullmatch(pattern, value)) != negated

    return scalar_matches


def _compare_kind(left: ast.Operand, right: ast.Operand) -> ValueKind:
    for operand in (left, right):
        if isinstance(operand, ast.FieldRef):
            type_ = lookup(operand.name).type  # type: ignore[union-attr]
            if type_ != "any":
                return KIND_OF_TYPE[type_]
    for operand in (left, right):
        if isinstance(operand, ast.Literal):
            return KIND_OF_TYPE[operand.kind]
    return "any"


def _is_source_field(operand: ast.Operand) -> bool:
    return isinstance(operand, ast.FieldRef) and lookup(operand.name).scope == SOURCE  # type: ignore[union-attr]


def _operand(operand: ast.Operand, kind: ValueKind) -> Callable[[Env], Column]:
    if isinstance(operand, ast.Literal):
        constant = (literal_value(operand.kind, operand.value), True)
        return lambda env: constant
    name = operand.name
    if name == "distance_km":
        return lambda env: (env.placement.distances(), True)
    if name == "available":
        return lambda env: (np.asarray(env.placement.available(env.line.sku), dtype=float), True)  # type: ignore[union-attr]
    if name.startswith("source."):
        return lambda env: env.table.column(name, kind)
    if name.startswith("order."):
        return lambda env: _scalar(order_value(name, env.order), kind)
    return lambda env: _scalar(line_value(name, env.line), kind)  # type: ignore[arg-type]


def _scalar(raw: Any, kind: ValueKind) -> Column:
    value = coerce(raw, kind)
    if value is None:
        return PLACEHOLDER.get(kind), False
    return value, True
