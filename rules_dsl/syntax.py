"""The rules language as a tree: what the parser builds and the formatter prints.

Nodes are frozen and compare by meaning only: positions and comments are left
out of equality, so ``parse(fmt(x)) == parse(x)`` holds and identical rulesets
share one compiled form.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal as Kind

LiteralKind = Kind["text", "number", "bool", "date", "datetime", "duration"]
CompareOp = Kind["==", "!=", "<", "<=", ">", ">="]
SourceVerb = Kind["exclude", "only", "prefer", "avoid"]


def _pos() -> int:
    return field(default=0, compare=False)


_SECONDS = {"ms": Decimal("0.001"), "s": Decimal(1), "m": Decimal(60), "h": Decimal(3600), "d": Decimal(86400)}


@dataclass(frozen=True, slots=True)
class Duration:
    amount: Decimal
    unit: Kind["ms", "s", "m", "h", "d"]

    @property
    def seconds(self) -> float:
        return float(self.amount * _SECONDS[self.unit])

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


@dataclass(frozen=True, slots=True)
class Literal:
    kind: LiteralKind
    value: str | Decimal | bool | date | datetime | Duration
    line: int = _pos()
    column: int = _pos()


@dataclass(frozen=True, slots=True)
class ListLiteral:
    items: tuple[Literal, ...]
    line: int = _pos()
    column: int = _pos()


@dataclass(frozen=True, slots=True)
class FieldRef:
    path: tuple[str, ...]
    line: int = _pos()
    column: int = _pos()

    @property
    def name(self) -> str:
        return ".".join(self.path)


Operand = FieldRef | Literal


@dataclass(frozen=True, slots=True)
class Compare:
    op: CompareOp
    left: Operand
    right: Operand
    line: int = _pos()
    column: int = _pos()


@dataclass(frozen=True, slots=True)
class Member:
    """``item in container`` (a list literal or a list field), or ``not in``."""

    item: Operand
    container: ListLiteral | FieldRef
    negated: bool = False
    line: int = _pos()
    column: int = _pos()


@dataclass(frozen=True, slots=True)
class Matches:
    subject: Operand
    pattern: Literal
    negated: bool = False
    line: int = _pos()
    column: int = _pos()


@dataclass(frozen=True, slots=True)
class Truthy:
    """A bare operand used as a condition: a true/false field such as an attribute."""

    operand: Operand
    line: int = _pos()
    column: int = _pos()


@dataclass(frozen=True, slots=True)
class Not:
    expr: Expr
    line: int = _pos()
    column: int = _pos()


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Expr, ...]
    line: int = _pos()
    column: int = _pos()


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Expr, ...]
    line: int = _pos()
    column: int = _pos()


Expr = Or | And | Not | Compare | Member | Matches | Truthy


@dataclass(frozen=True, slots=True)
class Word:
    """A setting value spelled as a word, with an optional argument: ``hold``, ``split_after 2``."""

    word: str
    arg: Literal | None = None
    line: int = _pos()
    column: int = _pos()


SettingValue = Literal | Word


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    value: SettingValue
    line: int = _pos()
    column: int = _pos()


@dataclass(frozen=True, slots=True)
class SourceAction:
    """``exclude|only source where P``, or ``prefer|avoid source where P by AMOUNT per UNIT``."""

    verb: SourceVerb
    where: Expr
    amount: Literal | None = None
    per: Kind["shipment", "unit"] | None = None
    line: int = _pos()
    column: int = _pos()


@dataclass(frozen=True, slots=True)
class SetAction:
    setting: Setting
    line: int = _pos()
    column: int = _pos()


@dataclass(frozen=True, slots=True)
class HoldAction:
    reason: str
    line: int = _pos()
    column: int = _pos()


@dataclass(frozen=True, slots=True)
class BackorderAction:
    mode: str  # allow | deny (anything else is reported by the checker)
    line: int = _pos()
    column: int = _pos()


Action = SourceAction | SetAction | HoldAction | BackorderAction


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    actions: tuple[Action, ...]
    when: Expr | None = None
    priority: int | None = None
    line: int = _pos()
    column: int = _pos()
    end_line: int = _pos()


@dataclass(frozen=True, slots=True)
class Comment:
    text: str  # without the leading '#'
    line: int
    column: int
    trailing: bool  # after code on the same line


@dataclass(frozen=True, slots=True)
class Ruleset:
    name: str
    version: int
    settings: tuple[Setting, ...] = ()
    rules: tuple[Rule, ...] = ()
    line: int = _pos()
    column: int = _pos()
    file: str = field(default="<rules>", compare=False)
    settings_line: int = _pos()
    comments: tuple[Comment, ...] = field(default=(), compare=False)


def field_names(node: object) -> Iterator[str]:
    """Every field a condition reads, in order of appearance."""
    if isinstance(node, FieldRef):
        yield node.name
    elif isinstance(node, Or | And):
        for item in node.items:
            yield from field_names(item)
    elif isinstance(node, Not):
        yield from field_names(node.expr)
    elif isinstance(node, Compare):
        yield from field_names(node.left)
        yield from field_names(node.right)
    elif isinstance(node, Member):
        yield from field_names(node.item)
        yield from field_names(node.container)
    elif isinstance(node, Matches):
        yield from field_names(node.subject)
    elif isinstance(node, Truthy):
        yield from field_names(node.operand)
