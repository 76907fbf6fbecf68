"""The network's stock rows validated column by column, without a marshmallow object per row.

``stock_table`` accepts exactly the rows ``StockSchema`` accepts, or fewer:
every field is checked for its type, and against the ranges and lengths the
schema's own validators declare (read from the stock schema, so a bound added
there applies here too).  Anything it does not accept — a wrong type, a value
out of range, a field it does not know, a validator it cannot read — returns
``None``, and the caller loads the document field by field with the schema,
which names the first problem as it always has.  Errors are rare; speed
matters on the documents that load.
"""

from __future__ import annotations

from itertools import repeat
from typing import Any

import numpy as np
from marshmallow import Schema, fields, validate

from sourcing_engine.limits import text_problem
from sourcing_engine.schemas.fields import PrintableText
from sourcing_engine.stock_table import StockTable

# Sums of three quantities stay exact in int64 inside this range.
SAFE_INTEGER = 2**60


def stock_table(rows: Any, schema: type[Schema]) -> StockTable | None:
    """The rows as a ``StockTable`` if every row is valid as ``schema`` would load it, else ``None``."""
    if type(rows) is not list or (rows and set(map(type, rows)) != {dict}):
        return None
    schema_fields = schema._declared_fields
    if not set().union(*rows) <= schema_fields.keys():
        return None
    columns: dict[str, Any] = {}
    for name, field in schema_fields.items():
        checked = _column(field, list(map(dict.get, rows, repeat(name), repeat(_MISSING))))
        if checked is None:
            return None
        columns[name] = checked
    return StockTable(**columns)


class _Missing:
    pass


_MISSING = _Missing()


def _column(field: fields.Field, values: list[Any]) -> Any:
    kinds = set(map(type, values))
    if _Missing in kinds:
        if field.required or callable(field.load_default):
            return None
        values = [field.load_default if v is _MISSING else v for v in values]
        kinds = set(map(type, values))
    if values and len(kinds) != 1:
        return None
    if isinstance(field, fields.String):
        return values if (not values or kinds == {str}) and _lengths_ok(field, values) else None
    if isinstance(field, fields.Boolean):
        return np.array(values, dtype=bool) if not values or kinds == {bool} else None
    if isinstance(field, fields.Integer) and (not values or kinds == {int}):
        return _integers(field, values)
    return None


def _lengths_ok(field: fields.String, values: list[str]) -> bool:
    for rule in field.validators:
        if isinstance(rule, PrintableText):
            if not _printable(rule, values):
                return False
            continue
        if not isinstance(rule, validate.Length) or rule.equal is not None:
            return False
        lengths = list(map(len, values))
        if rule.min is not None and min(lengths, default=rule.min) < rule.min:
            return False
        if rule.max is not None and max(lengths, default=rule.max) > rule.max:
            return False
    return True


def _printable(rule: PrintableText, values: list[str]) -> bool:
    if rule.max_length is not None and max(map(len, values), default=0) > rule.max_length:
        return False
    return text_problem("".join(values)) is None  # one search over the column: a bad character is bad anywhere


def _integers(field: fields.Integer, values: list[int]) -> np.ndarray | None:
    try:
        column = np.array(values, dtype=np.int64)
    except OverflowError:
        return None
    if len(column) and (column.min() <= -SAFE_INTEGER or column.max() >= SAFE_INTEGER):
        return None
    for rule in field.validators:
        if not isinstance(rule, validate.Range) or not _in_range(column, rule):
            return None
    return column


def _in_range(column: np.ndarray, rule: validate.Range) -> bool:
    if len(column) == 0:
        return True
    low, high = column.min(), column.max()
    if rule.min is not None and (low < rule.min or (low == rule.min and not rule.min_inclusive)):
        return False
    return rule.max is None or not (high > rule.max or (high == rule.max and not rule.max_inclusive))


def references_ok(table: StockTable, codes: set[str]) -> bool:
    """Every row at a known source, and one row per source and SKU (else the schema reports which)."""
    return all(code in codes for code in table.source) and len(set(zip(table.source, table.sku, strict=True))) == len(
        table
    )
