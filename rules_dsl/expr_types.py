"""Types of conditions: which fields exist where, and what may be compared with what."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from rules_dsl import syntax as ast
from rules_dsl.literals import literal_text
from rules_dsl.patterns import pattern_problem
from rules_dsl.schema import FieldSpec, did_you_mean, lookup, unknown_field_message

Problem = tuple[int, int, str]
Context = Literal["when", "where"]

LITERAL_TYPES = {"text": "text", "number": "number", "bool": "bool", "date": "date", "datetime": "datetime"}
TYPE_WORDS = {
    "text": "text",
    "number": "number",
    "integer": "number",
    "bool": "true/false",
    "datetime": "date and time",
    "date": "date",
    "duration": "duration",
    "list": "list",
    "any": "attribute",
}
NUMERIC = frozenset({"number", "integer"})
TEMPORAL = frozenset({"datetime", "date"})


def comparable(a: str, b: str) -> bool:
    if "list" in (a, b) or "duration" in (a, b):
        return False
    if "any" in (a, b):
        return True
    return (a in NUMERIC and b in NUMERIC) or ({a, b} <= TEMPORAL) or (a == b and a in ("text", "bool"))


def describe(operand: ast.Operand, type_: str) -> str:
    if isinstance(operand, ast.FieldRef):
        return f"{TYPE_WORDS[type_]} {operand.name}"
    return f"{TYPE_WORDS[type_]} {literal_text(operand)}"


class ExprChecker:
    """Problems of one condition; ``when`` sees the order and lines, ``where`` the sources too."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.found: list[Problem] = []

    def problems(self, expr: ast.Expr) -> Iterator[Problem]:
        self.found = []
        self._expr(expr)
        yield from self.found

    def _say(self, node: object, message: str) -> None:
        self.found.append((node.line, node.column, message))  # type: ignore[attr-defined]

    def _expr(self, expr: ast.Expr) -> None:
        if isinstance(expr, ast.Or | ast.And):
            for item in expr.items:
                self._expr(item)
        elif isinstance(expr, ast.Not):
            self._expr(expr.expr)
        elif isinstance(expr, ast.Compare):
            self._compare(expr)
        elif isinstance(expr, ast.Member):
            self._member(expr)
        elif isinstance(expr, ast.Matches):
            self._matches(expr)
        elif isinstance(expr, ast.Truthy):
            self._truthy(expr)

    def type_of(self, operand: ast.Operand) -> str | None:
        """The operand's type, or None after reporting why it has none."""
        if isinstance(operand, ast.Literal):
            if operand.kind == "duration":
                self._say(operand, f"{literal_text(operand)}: durations are only used in settings such as time_limit")
                return None
            return LITERAL_TYPES[operand.kind]
        spec = lookup(operand.name)
        if spec is None:
            self._say(operand, unknown_field_message(operand.name))
            return None
        if self.context == "when" and spec.scope == "source":
            self._say(
                operand,
                f"{operand.name} describes a source: use it after `where` (`when` is about the order and its lines)",
            )
            return None
        return spec.type

    def _compare(self, expr: ast.Compare) -> None:
        left, right = self.type_of(expr.left), self.type_of(expr.right)
        if left is None or right is None:
            return
        fields = [o for o in (expr.left, expr.right) if isinstance(o, ast.FieldRef)]
        if not fields:
            self._say(expr, "compare a field with a value: both sides are values")
            return
        if len(fields) == 2 and self.context == "when":
            self._say(expr, "in `when`, compare a field with a value (two fields can be compared after `where`)")
            return
        for type_, operand in ((left, expr.left), (right, expr.right)):
            if type_ == "list":
                self._say(expr, f'{operand.name} is a list: test membership with "VALUE" in {operand.name}')
                return
        if not comparable(left, right):
            self._say(expr, f"cannot compare {describe(expr.left, left)} with {describe(expr.right, right)}")
            return
        if expr.op not in ("==", "!=") and "bool" in (left, right):
            self._say(expr, f"true/false values have no order: use == or != instead of {expr.op}")
            return
        if expr.op in ("==", "!="):
            self._closed_values(expr.left, expr.right)
            self._closed_values(expr.right, expr.left)

    def _closed_values(self, field: ast.Operand, value: ast.Operand) -> None:
        if not (isinstance(field, ast.FieldRef) and isinstance(value, ast.Literal) and value.kind == "text"):
            return
        spec = lookup(field.name)
        if spec is not None and spec.values and value.value not in spec.values:
            self._say(value, _never_message(spec, str(value.value)))

    def _member(self, expr: ast.Member) -> None:
        container = expr.container
        if isinstance(container, ast.ListLiteral):
            self._in_list(expr, container)
            return
        item_type, container_type = self.type_of(expr.item), self.type_of(container)
        if item_type is None or container_type is None:
            return
        if container_type not in ("list", "any"):
            hint = "; to test part of a text, use matches" if container_type == "text" else ""
            self._say(container, f"{container.name} is {TYPE_WORDS[container_type]}, not a list{hint}")
            return
        if self.context == "when" and not isinstance(expr.item, ast.Literal):
            self._say(
                expr.item, f'in `when`, the value before `in {container.name}` must be written out, e.g. "fragile"'
            )
            return
        if item_type not in ("text", "any"):
            self._say(
                expr.item, f"lists hold text: cannot look for {describe(expr.item, item_type)} in {container.name}"
            )

    def _in_list(self, expr: ast.Member, container: ast.ListLiteral) -> None:
        item_type = self.type_of(expr.item)
        if not container.items:
            self._say(container, "empty list: `in []` never matches")
        if item_type is None:
            return
        if not isinstance(expr.item, ast.FieldRef):
            self._say(expr.item, "put a field before `in [...]`: here both sides are values")
            return
        if item_type == "list":
            self._say(expr.item, f'{expr.item.name} is a list: test one value with "VALUE" in {expr.item.name}')
            return
        for literal in container.items:
            literal_type = self.type_of(literal)
            if literal_type is None:
                continue
            if not comparable(item_type, literal_type):
                self._say(
                    literal, f"cannot compare {describe(expr.item, item_type)} with {describe(literal, literal_type)}"
                )
            elif literal.kind == "text":
                self._closed_values(expr.item, literal)

    def _matches(self, expr: ast.Matches) -> None:
        subject_type = self.type_of(expr.subject)
        if subject_type is not None:
            if not isinstance(expr.subject, ast.FieldRef):
                self._say(expr.subject, "put a field before `matches`")
            elif subject_type not in ("text", "any"):
                self._say(
                    expr.subject,
                    f"only text can match a pattern, and {expr.subject.name} is {TYPE_WORDS[subject_type]}",
                )
        problem = pattern_problem(str(expr.pattern.value))
        if problem:
            self._say(expr.pattern, problem)

    def _truthy(self, expr: ast.Truthy) -> None:
        operand = expr.operand
        if isinstance(operand, ast.Literal):
            self._say(operand, f"{literal_text(operand)} alone is not a condition: compare a field with a value")
            return
        type_ = self.type_of(operand)
        if type_ is not None and type_ not in ("bool", "any"):
            self._say(operand, f"{operand.name} is {TYPE_WORDS[type_]}, not a condition: compare it with a value")


def _never_message(spec: FieldSpec, value: str) -> str:
    hint = did_you_mean(value, spec.values)
    return f'{spec.name} is never "{value}" (it is one of {", ".join(spec.values)}){hint}'
