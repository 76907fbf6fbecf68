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
from rules_dsl.patterns import fullmatch
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
MAX_DESCRIBED = 4096
PLACEHOLDER: dict[str, Any] = {"text": "", "number": np.nan, "datetime": np.nan, "bool": False}


class SourceTable:
    def __init__(self, rows: Sequence[SourceRow]) -> None:
        self.rows = tuple(rows)
        self.size = len(self.rows)
        self.codes = [row.code for row in self.rows]
        self.masks: dict[str, np.ndarray] = {}  # masks of source-only predicates, by canonical predicate
        self._columns: dict[tuple[str, ValueKind], Column] = {}
        self._membership: dict[tuple[str, str], np.ndarray] = {}
        self._matches: dict[tuple[str, str], np.ndarray] = {}
        self._described: dict[bytes, tuple[int, str]] = {}

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
            for array in found:
                array.flags.writeable = False  # shared by every order: nobody may change it
        return found

    def membership(self, name: str, item: str) -> np.ndarray:
        """Which sources list ``item`` in the list field ``name``."""
        found = self._membership.get((name, item))
        if found is None:
            lists, present = self.column(name, "list")
            found = np.array([p and item in values for values, p in zip(lists, present, strict=True)], dtype=bool)
            found.flags.writeable = False
            self._membership[(name, item)] = found
        return found

    def matches(self, name: str, pattern: str) -> np.ndarray:
        found = self._matches.get((name, pattern))
        if found is None:
            texts, present = self.column(name, "text")
            found = np.array(
                [bool(p) and fullmatch(pattern, t) for t, p in zip(texts, present, strict=True)], dtype=bool
            )
            found.flags.writeable = False
            self._matches[(name, pattern)] = found
        return found

    def describe(self, mask: np.ndarray, most: int) -> tuple[int, str]:
        """How many sources ``mask`` holds, and the first ``most`` of their codes, for explanations."""
        key = mask.tobytes()
        found = self._described.get(key)
        if found is None:
            if len(self._described) >= MAX_DESCRIBED:
                self._described.clear()  # masks that depend on the order are many; keep the cache small
            codes = [self.codes[i] for i in np.flatnonzero(mask)]
            more = f", +{len(codes) - most} more" if len(codes) > most else ""
            found = self._described[key] = (len(codes), ", ".join(codes[:most]) + more if codes else "none")
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
