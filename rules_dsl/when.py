r"""``when`` conditions compiled into durable-rules conditions, and the facts they are matched against.

Facts are flat: each field a rule reads gets a short key (``f0``, ``f1``...),
one per field and value kind, so durable-rules compares like with like.  An
order fact carries the order's fields; a line fact carries its line's fields
and the order's.  A value that is absent is left out of the fact: ``==`` and
the orderings are false on it, ``!=`` is true (so ``not (x < 5)`` is true
when x is absent, as it reads).

Two kinds of test enter the facts already answered, as true/false keys:
pattern matches, and orderings of text.  durable-rules keeps JSON escapes in
strings as written, so its matcher would read ``\.`` as two characters and
its string comparisons would sort ``"`` by its escape; equality is unaffected
(both sides carry the same escapes).
"""

from __future__ import annotations

import math
import operator
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rules_dsl import syntax as ast
from rules_dsl.desugar import desugar
from rules_dsl.facts import LineFacts, OrderFacts, line_reader, order_reader
from rules_dsl.patterns import fullmatch
from rules_dsl.schema import lookup
from rules_dsl.values import KIND_OF_TYPE, ValueKind, coerce, literal_value

# durable-rules' `all items` is false on an empty list, so every list carries
# this item; no text literal can equal it (the lexer refuses control characters)
LIST_SENTINEL = "\x00"
DURABLE_OPS = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
NEGATED = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
ORDER_FACT, LINE_FACT = "o", "l"
TEXT_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


@dataclass(frozen=True, slots=True)
class FactKey:
    key: str
    field: str
    kind: ValueKind
    test: tuple[str, ...] | None = None  # ("matches", pattern) or (op, text): the fact holds the answer

    @property
    def scope(self) -> str:
        return "line" if self.field.startswith("line.") else "order"

    def answer(self, value: Any) -> bool:
        """A derived test on a present value of the field (an absent one fails every test)."""
        assert self.test is not None
        if value is None:
            return False
        if self.test[0] == "matches":
            return fullmatch(self.test[1], value)
        return bool(TEXT_ORDER[self.test[0]](value, self.test[1]))


class WhenCompiler:
    """Turns conditions into durable-rules JSON, and orders into the facts those conditions read."""

    def __init__(self) -> None:
        self.keys: dict[tuple[str, ValueKind, tuple[str, ...] | None], FactKey] = {}
        self._order_keys: list[tuple[FactKey, Callable[[OrderFacts], Any]]] = []
        self._line_keys: list[tuple[FactKey, Callable[[LineFacts], Any]]] = []

    def rule_condition(self, expr: ast.Expr, per_line: bool) -> dict:
        scope = {"k": LINE_FACT if per_line else ORDER_FACT}
        cond = self._expr(desugar(expr), negate=False)
        items = cond.get("$and", [cond])
        return {"$and": [scope, *items]}

    def facts(self, order: OrderFacts, order_rules: bool, line_rules: bool) -> list[dict[str, Any]]:
        order_part: dict[str, Any] = {}
        for fact_key, read in self._order_keys:
            self._put(order_part, fact_key, read(order))
        facts = [{"k": ORDER_FACT, **order_part}] if order_rules else []
        if line_rules:
            for i, line in enumerate(order.lines):
                fact = {"k": LINE_FACT, "i": i, **order_part}
                for fact_key, read in self._line_keys:
                    self._put(fact, fact_key, read(line))
                facts.append(fact)
        return facts

    @staticmethod
    def _put(fact: dict[str, Any], fact_key: FactKey, raw: Any) -> None:
        value = coerce(raw, fact_key.kind)
        if fact_key.test is not None:
            fact[fact_key.key] = fact_key.answer(value)
        elif isinstance(value, float):
            if not math.isnan(value):  # NaN has no order: absent.  Infinity orders as the largest float
                fact[fact_key.key] = value if math.isfinite(value) else math.copysign(sys.float_info.max, value)
        elif value is not None:
            fact[fact_key.key] = [*value, LIST_SENTINEL] if fact_key.kind == "list" else value

    def _key(self, field: ast.FieldRef, kind: ValueKind, test: tuple[str, ...] | None = None) -> str:
        ident = (field.name, kind, test)
        if ident not in self.keys:
            fact_key = self.keys[ident] = FactKey(f"f{len(self.keys)}", field.name, kind, test)
            if fact_key.scope == "line":
                self._line_keys.append((fact_key, line_reader(field.name)))
            else:
                self._order_keys.append((fact_key, order_reader(field.name)))
        return self.keys[ident].key

    def _expr(self, expr: ast.Expr, negate: bool) -> dict:
        if isinstance(expr, ast.Or | ast.And):
            is_and = isinstance(expr, ast.And) != negate  # De Morgan under negation
            return {"$and" if is_and else "$or": [self._expr(item, negate) for item in expr.items]}
        if isinstance(expr, ast.Not):
            return self._expr(expr.expr, not negate)
        if isinstance(expr, ast.Compare):
            return self._compare(expr, negate)
        if isinstance(expr, ast.Member):
            return self._member(expr, negate != expr.negated)
        if isinstance(expr, ast.Matches):
            return self._matches(expr, negate != expr.negated)
        assert isinstance(expr, ast.Truthy) and isinstance(expr.operand, ast.FieldRef)
        return _compare_json(self._key(expr.operand, "bool"), "!=" if negate else "==", True)

    def _compare(self, expr: ast.Compare, negate: bool) -> dict:
        field, literal = expr.left, expr.right
        assert isinstance(field, ast.FieldRef) and isinstance(literal, ast.Literal)  # the checker saw to it
        kind = _kind(field, literal)
        value = literal_value(literal.kind, literal.value)
        if kind == "text" and expr.op in DURABLE_OPS:
            return {self._key(field, kind, (expr.op, value)): not negate}
        key = self._key(field, kind)
        if not negate:
            return _compare_json(key, expr.op, value)
        cond = _compare_json(key, NEGATED[expr.op], value)
        if expr.op in DURABLE_OPS:  # an ordering is false on an absent value, so its negation is true there
            cond = {"$or": [cond, {"$nex": {key: 1}}]}
        return cond

    def _member(self, expr: ast.Member, negated: bool) -> dict:
        assert isinstance(expr.container, ast.FieldRef) and isinstance(expr.item, ast.Literal)
        key = self._key(expr.container, "list")
        if not negated:
            return {"$iany": {key: {"$i": expr.item.value}}}
        return {"$or": [{"$iall": {key: {"$neq": {"$i": expr.item.value}}}}, {"$nex": {key: 1}}]}

    def _matches(self, expr: ast.Matches, negated: bool) -> dict:
        assert isinstance(expr.subject, ast.FieldRef)
        return {self._key(expr.subject, "text", ("matches", str(expr.pattern.value))): not negated}


def _compare_json(key: str, op: str, value: Any) -> dict:
    if op == "==":
        return {key: value}
    if op == "!=":
        return {"$or": [{"$neq": {key: value}}, {"$nex": {key: 1}}]}
    return {DURABLE_OPS[op]: {key: value}}


def _kind(field: ast.FieldRef, literal: ast.Literal) -> ValueKind:
    spec = lookup(field.name)
    assert spec is not None
    if spec.type != "any":
        return KIND_OF_TYPE[spec.type]
    return KIND_OF_TYPE[literal.kind]
