"""Shared by the rules tests: a plain interpreter of conditions (the oracle), and generators.

The oracle reads the syntax tree directly, one value at a time, with the
language's documented meaning; the compiled forms (durable-rules conditions,
numpy masks) must agree with it.
"""

from __future__ import annotations

import operator
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from rules_dsl import syntax as ast
from rules_dsl.facts import LineFacts, OrderFacts, SourceRow, line_value, order_value
from rules_dsl.schema import lookup
from rules_dsl.values import KIND_OF_TYPE, coerce, epoch

OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
FLIP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


class World:
    """Everything a condition may read: an order, one of its lines, one source and its placement."""

    def __init__(
        self,
        order: OrderFacts,
        line: LineFacts | None = None,
        source: SourceRow | None = None,
        distance: float = 0.0,
        available: int = 0,
    ) -> None:
        self.order, self.line, self.source, self.distance, self.available = order, line, source, distance, available

    def raw(self, name: str) -> Any:
        if name == "distance_km":
            return self.distance
        if name == "available":
            return self.available
        if name.startswith("order."):
            return order_value(name, self.order)
        if name.startswith("line."):
            return line_value(name, self.line)  # type: ignore[arg-type]
        assert self.source is not None
        if name.startswith("source.attributes."):
            return self.source.attributes.get(name.removeprefix("source.attributes."))
        attribute = {
            "source.code": "code",
            "source.name": "name",
            "source.type": "type",
            "source.priority": "priority",
            "source.tags": "tags",
            "source.capabilities": "capabilities",
            "source.location.country": "country",
            "source.location.postcode": "postcode",
        }[name]
        return getattr(self.source, attribute)


def holds(expr: ast.Expr, world: World) -> bool:
    if isinstance(expr, ast.Or):
        return any(holds(e, world) for e in expr.items)
    if isinstance(expr, ast.And):
        return all(holds(e, world) for e in expr.items)
    if isinstance(expr, ast.Not):
        return not holds(expr.expr, world)
    if isinstance(expr, ast.Compare):
        return _compare(expr.op, expr.left, expr.right, world)
    if isinstance(expr, ast.Member):
        if isinstance(expr.container, ast.ListLiteral):
            found = any(_compare("==", expr.item, item, world) for item in expr.container.items)
        else:
            item = coerce(_value(expr.item, world), "text")
            listed = coerce(_value(expr.container, world), "list")
            found = item is not None and listed is not None and item in listed
        return found != expr.negated
    if isinstance(expr, ast.Matches):
        text = coerce(_value(expr.subject, world), "text")
        found = text is not None and re.fullmatch(str(expr.pattern.value), text, re.DOTALL) is not None
        return found != expr.negated
    assert isinstance(expr, ast.Truthy)
    return coerce(_value(expr.operand, world), "bool") is True


def _value(operand: ast.Operand, world: World) -> Any:
    if isinstance(operand, ast.Literal):
        return operand.value
    return world.raw(operand.name)


def _kind(left: ast.Operand, right: ast.Operand) -> str:
    for operand in (left, right):
        if isinstance(operand, ast.FieldRef) and lookup(operand.name).type != "any":
            return KIND_OF_TYPE[lookup(operand.name).type]
    for operand in (left, right):
        if isinstance(operand, ast.Literal):
            return KIND_OF_TYPE[operand.kind]
    return "any"


def _compare(op: str, left: ast.Operand, right: ast.Operand, world: World) -> bool:
    if isinstance(left, ast.Literal) and not isinstance(right, ast.Literal):
        op, left, right = FLIP[op], right, left
    kind = _kind(left, right)
    if isinstance(right, ast.Literal) and right.kind == "date":
        return _on_day(op, coerce(_value(left, world), "datetime"), right.value)
    a, b = coerce(_value(left, world), kind), coerce(_value(right, world), kind)
    if isinstance(right, ast.Literal) and right.kind == "datetime":
        b = epoch(right.value)
    if a is None or b is None:
        return op == "!="
    if kind == "any" and not any(
        coerce(a, k) is not None and coerce(b, k) is not None for k in ("bool", "number", "text")
    ):
        return op == "!="
    return bool(OPS[op](a, b))


def _on_day(op: str, moment: float | None, day: date) -> bool:
    """A date stands for the whole day."""
    if moment is None:
        return op == "!="
    start = datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
    end = start + 86400
    inside = start <= moment < end
    return {
        "==": inside,
        "!=": not inside,
        "<": moment < start,
        "<=": moment < end,
        ">": moment >= end,
        ">=": moment >= start,
    }[op]


# ---- generators of facts -------------------------------------------------------

CHANNELS = ["web", "app", "pos", "", 'we"b', "a\\b", "#1"]
SKUS = ["A-1", "A-22", "B-1", "Mü-3"]
TAGS = ["fragile", "hazardous", "bulky"]
MOMENTS = [
    datetime(2026, 11, 26, 23, 59, tzinfo=UTC),
    datetime(2026, 11, 27, 0, 0, tzinfo=UTC),
    datetime(2026, 11, 27, 12, 0, tzinfo=UTC),
    datetime(2026, 11, 28, 0, 0, tzinfo=UTC),
    datetime(2026, 11, 27, 23, 30, tzinfo=UTC) + timedelta(hours=1),
]
ANY_VALUES = st.one_of(st.none(), st.booleans(), st.sampled_from([0, 3, 7.5, "3", "gold", "vip"]))


@st.composite
def line_facts(draw: st.DrawFn, line_id: str) -> LineFacts:
    attributes = {"preorder": draw(ANY_VALUES), "score": draw(ANY_VALUES)}
    return LineFacts(
        id=line_id,
        sku=draw(st.sampled_from(SKUS)),
        quantity=draw(st.integers(1, 5)),
        unit_price=draw(st.sampled_from([0.0, 9.99, 25.0, 120.0])),
        bundle=draw(st.sampled_from([None, "B1", ""])),
        product_type=draw(st.sampled_from(["physical", "virtual"])),
        product_tags=frozenset(draw(st.lists(st.sampled_from(TAGS), max_size=2))),
        attributes={k: v for k, v in attributes.items() if v is not None},
    )


@st.composite
def order_facts(draw: st.DrawFn) -> OrderFacts:
    count = draw(st.integers(1, 3))
    lines = tuple(draw(line_facts(str(i + 1))) for i in range(count))
    attributes = {"vip": draw(ANY_VALUES), "score": draw(ANY_VALUES)}
    pickup = draw(st.booleans())
    return OrderFacts(
        id=draw(st.sampled_from(["O-1", "O-2"])),
        lines=lines,
        channel=draw(st.sampled_from(CHANNELS)),
        created_at=draw(st.one_of(st.none(), st.sampled_from(MOMENTS))),
        delivery_method="pickup" if pickup else "ship",
        pickup_source="ST-1" if pickup else None,
        country=draw(st.sampled_from([None, "DE", "AT"])),
        postcode=draw(st.sampled_from([None, "80331", "10115"])),
        attributes={k: v for k, v in attributes.items() if v is not None},
    )


# ---- generators of conditions ---------------------------------------------------


def lit(kind: str, value: Any) -> ast.Literal:
    return ast.Literal(kind, value)  # type: ignore[arg-type]


def field(name: str) -> ast.FieldRef:
    return ast.FieldRef(tuple(name.split(".")))


NUMBERS = st.sampled_from(["0", "3", "7.5", "25", "-1"]).map(lambda t: lit("number", __import__("decimal").Decimal(t)))
ORDERINGS = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])


def when_atoms(scope: str) -> st.SearchStrategy[ast.Expr]:
    """Type-correct conditions over order (and, for scope 'line', line) fields."""
    text = st.sampled_from([*CHANNELS, "DE", "ship", "pickup"]).map(lambda v: lit("text", v))
    atoms = [
        st.builds(ast.Compare, ORDERINGS, st.just(field("order.total")), NUMBERS),
        st.builds(ast.Compare, st.just("=="), st.just(field("order.channel")), text),
        st.builds(ast.Compare, ORDERINGS, st.just(field("order.channel")), text),
        st.builds(ast.Compare, ORDERINGS, st.just(field("order.line_count")), NUMBERS),
        st.builds(
            ast.Compare,
            ORDERINGS,
            st.just(field("order.created_at")),
            st.sampled_from(
                [lit("date", date(2026, 11, 27)), lit("datetime", datetime(2026, 11, 27, 12, 0, tzinfo=UTC))]
            ),
        ),
        st.builds(ast.Compare, st.sampled_from(["==", "!="]), st.just(field("order.delivery.address.country")), text),
        st.builds(ast.Compare, ORDERINGS, st.just(field("order.attributes.score")), NUMBERS),
        st.builds(
            ast.Compare,
            st.sampled_from(["==", "!="]),
            st.just(field("order.attributes.vip")),
            st.sampled_from([lit("bool", True), lit("bool", False), lit("text", "vip")]),
        ),
        st.builds(ast.Truthy, st.just(field("order.attributes.vip"))),
        st.builds(
            ast.Member,
            st.just(field("order.channel")),
            st.lists(text, min_size=1, max_size=3).map(lambda xs: ast.ListLiteral(tuple(xs))),
            st.booleans(),
        ),
        st.builds(
            ast.Matches,
            st.just(field("order.channel")),
            st.sampled_from(["w.*", "(web|app)", "[a-p]+", 'we"b', "a\\\\b", "\\w+", "(.?)*"]).map(
                lambda p: lit("text", p)
            ),
            st.booleans(),
        ),
    ]
    if scope == "line":
        atoms += [
            st.builds(ast.Compare, ORDERINGS, st.just(field("line.quantity")), NUMBERS),
            st.builds(
                ast.Compare,
                st.sampled_from(["==", "!="]),
                st.just(field("line.bundle")),
                st.sampled_from(["B1", ""]).map(lambda v: lit("text", v)),
            ),
            st.builds(
                ast.Member,
                st.sampled_from([*TAGS, "x"]).map(lambda v: lit("text", v)),
                st.just(field("line.product.tags")),
                st.booleans(),
            ),
            st.builds(
                ast.Matches,
                st.just(field("line.sku")),
                st.sampled_from(["A-.*", "A-[0-9]", "M.*", "..-3"]).map(lambda p: lit("text", p)),
                st.booleans(),
            ),
            st.builds(ast.Truthy, st.just(field("line.attributes.preorder"))),
            st.builds(ast.Compare, ORDERINGS, st.just(field("line.attributes.score")), NUMBERS),
            st.builds(ast.Compare, st.sampled_from(["<", ">="]), NUMBERS, st.just(field("line.unit_price"))),
        ]
    return st.one_of(atoms)


def conditions(atoms: st.SearchStrategy[ast.Expr]) -> st.SearchStrategy[ast.Expr]:
    """Atoms combined with and/or/not, in the parser's flattened shape."""

    def extend(inner: st.SearchStrategy[ast.Expr]) -> st.SearchStrategy[ast.Expr]:
        return st.one_of(
            inner.map(ast.Not),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: ast.And(_flat(ast.And, xs))),
            st.lists(inner, min_size=2, max_size=3).map(lambda xs: ast.Or(_flat(ast.Or, xs))),
        )

    return st.recursive(atoms, extend, max_leaves=6)


def _flat(kind: type, items: list[ast.Expr]) -> tuple[ast.Expr, ...]:
    out: list[ast.Expr] = []
    for item in items:
        out.extend(item.items if isinstance(item, kind) else [item])  # type: ignore[attr-defined]
    return tuple(out)
