"""The network's sources as columns, built once per network and reused for every order.

Columns are typed the way ``where`` compares them (see ``values.coerce``),
each with a ``present`` mask for sources that have no such value.  Masks that
depend on the sources alone (``source.type == "store"``) are computed once
and kept here, so most rules cost a dictionary lookup per order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from rules_dsl.facts import SourceRow
from rules_dsl.patterns import compile_pattern
from rules_dsl.values import ValueKind, coerce

Column = tuple[Any, Any]  # values, present: arrays over the sources (or scalars, broadcast)

_SOURCE_FIELDS: dict[str, Callable[[SourceRow], Any]] = {
    "source.code": lambda s: s.code,
    "source.name": lambda s: s.name,
    "source.type": lambda s: s.type,
    "source.priority": lambda s: s.priority,
    "source.tags": lambda s: s.tags,
    "source.capabilities": lambda s: s.capabilities,
    "source.location.country": lambda s: s.country,
    "source.location.postcode": lambda s: s.postcode,
}
PLACEHOLDER: dict[str, Any] = {"text": "", "number": np.nan, "datetime": np.nan, "bool": False}


class SourceTable:
    def __init__(self, rows: Sequence[SourceRow]) -> None:
        self.rows = tuple(rows)
        self.size = len(self.rows)
        self.codes = [row.code for row in self.rows]
        self.masks: dict[object, np.ndarray] = {}  # masks of source-only predicates, by predicate
        self._columns: dict[tuple[str, ValueKind], Column] = {}
        self._membership: dict[tuple[str, str], np.ndarray] = {}
        self._matches: dict[tuple[str, str], np.ndarray] = {}

    def raw(self, name: str) -> list[Any]:
        if name.startswith("source.attributes."):
            attribute = name.removeprefix("source.attributes.")
            return [row.attributes.get(attribute) for row in self.rows]
        getter = _SOURCE_FIELDS[name]
        return [getter(row) for row in self.rows]

    def column(self, name: str, kind: ValueKind) -> Column:
        found = self._columns.get((name, kind))
        if found is None:
            found = self._columns[(name, kind)] = _typed(self.raw(name), kind)
        return found

    def membership(self, name: str, item: str) -> np.ndarray:
        """Which sources list ``item`` in the list field ``name``."""
        found = self._membership.get((name, item))
        if found is None:
            lists, present = self.column(name, "list")
            found = np.array([p and item in values for values, p in zip(lists, present, strict=True)], dtype=bool)
            self._membership[(name, item)] = found
        return found

    def matches(self, name: str, pattern: str) -> np.ndarray:
        found = self._matches.get((name, pattern))
        if found is None:
            rx = compile_pattern(pattern)
            texts, present = self.column(name, "text")
            found = np.array(
                [bool(p) and rx.fullmatch(t.encode("utf-8")) is not None for t, p in zip(texts, present, strict=True)],
                dtype=bool,
            )
            self._matches[(name, pattern)] = found
        return found


def _typed(raw: list[Any], kind: ValueKind) -> Column:
    values = [coerce(value, kind) for value in raw]
    present = np.array([value is not None for value in values], dtype=bool)
    if kind in ("list", "any"):
        out = np.empty(len(values), dtype=object)
        out[:] = [frozenset(v) if kind == "list" and v is not None else v for v in values]
        return out, present
    filler = PLACEHOLDER[kind]
    filled = [filler if value is None else value for value in values]
    if kind == "text":
        return np.array(filled, dtype=str) if filled else np.zeros(0, dtype=str), present
    return np.array(filled, dtype=bool if kind == "bool" else float), present
