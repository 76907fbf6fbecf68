"""One meaning for every value, wherever it is compared.

A field compared with a number only holds a value when it holds a number; a
merchant's attribute holding the text "10" is absent for ``> 5``, not ten.
``when`` (durable-rules) and ``where`` (numpy) both read values through
``coerce``, so a rule means the same in either place.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal

ValueKind = Literal["text", "number", "bool", "datetime", "list", "any"]

KIND_OF_TYPE: dict[str, ValueKind] = {
    "text": "text",
    "number": "number",
    "integer": "number",
    "bool": "bool",
    "datetime": "datetime",
    "date": "datetime",
    "list": "list",
    "any": "any",
}


def coerce(value: Any, kind: ValueKind) -> Any:
    """``value`` as ``kind`` (datetimes as seconds since the epoch), or None when it is not one."""
    if value is None or kind == "any":
        return value
    if kind == "text":
        return value if isinstance(value, str) else None
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            return None
        try:
            return float(value)
        except OverflowError:  # an integer beyond any float compares as the largest one
            return sys.float_info.max if value > 0 else -sys.float_info.max
    if kind == "bool":
        return value if isinstance(value, bool) else None
    if kind == "datetime":
        return epoch(value)
    if isinstance(value, str) or not isinstance(value, Iterable):
        return None
    return [item for item in value if isinstance(item, str)]


def epoch(value: Any) -> float | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(value, datetime):
        return (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).timestamp()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp()
    return None


def literal_value(kind: str, value: Any) -> Any:
    """A literal's value in the form facts are compared in."""
    if kind == "number":
        return float(value)
    if kind in ("date", "datetime"):
        return epoch(value)
    return value
