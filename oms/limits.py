"""The bounds of everything that enters the OMS, matched to the columns that keep it.

Every id, code, text, quantity and count that a command accepts has a bound
here (documented in ``docs/oms.md``, "Limits").  Checking them on the way in,
field by field, is what keeps a value the database cannot hold (a string
longer than its column, an integer beyond its column, a NUL or a lone
surrogate) from surfacing as a driver error deep inside a transaction: the
sender gets the field's name and the bound instead, and nothing is stored.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

from marshmallow import ValidationError, fields

from oms.errors import FieldError, InvalidInput

MAX_CODE = 64  # order id, channel, source, SKU, line id, bundle, ruleset name: String(64) columns
MAX_NAME = 200  # source and channel names
MAX_REASON = 40  # reason codes
MAX_CARRIER = 100
MAX_TRACKING = 100
MAX_REFERENCE = 120  # a stock message's reference
MAX_ACTOR = 100  # who did it: recorded with every change
MAX_NOTE = 1_000  # a free-text note kept in the history
MAX_RULES_TEXT = 1_000_000  # a stored ruleset's text
MAX_COUNTRY = 8
MAX_POSTCODE = 16
MAX_TAG = 64
MAX_TAGS = 100
MAX_JSON_DEPTH = 32  # nesting of free-form attributes

MAX_AMOUNT = 1e9  # a price or a cost: beyond it, sums of amounts lose precision or overflow
MAX_STOCK_QUANTITY = 1_000_000_000  # on hand, safety stock, the size of an adjustment (fits a 32-bit column)
MAX_LINE_QUANTITY = 1_000_000  # units on one order line, whatever the channel
DEFAULT_LINE_QUANTITY = 10_000  # a channel's own limit per line unless it sets max_line_quantity
MAX_LINES = 1_000  # lines in one order
MAX_PRIORITY = 1_000_000  # |priority| of a source or a channel link
MAX_EXCEPTION_DAYS = 3_650
MAX_REMORSE_MINUTES = 43_200  # a channel's remorse period: at most 30 days
MAX_COMMENT = 4_000  # an order comment's text
MAX_ROW_ID = 2**31 - 1  # shipment request ids: Integer columns on PostgreSQL


def text_problem(value: str, limit: int, *, code: bool = True) -> str | None:
    """Why ``value`` cannot be stored as a text of at most ``limit`` characters (None: it can)."""
    if "\x00" in value:
        return "must not contain NUL characters"
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        return "must be valid Unicode (it holds a lone surrogate)"
    if code and not value:
        return "must not be empty"
    if code and any(unicodedata.category(ch) == "Cc" for ch in value):
        return "must not contain control characters"
    if len(value) > limit:
        return f"must be at most {limit} characters (it has {len(value)})"
    return None


class Text:
    """A marshmallow validator: a code (non-empty, no control characters) or free text, at most ``limit`` long."""

    def __init__(self, limit: int, *, code: bool = True) -> None:
        self.limit = limit
        self.code = code

    def __call__(self, value: str) -> str:
        problem = text_problem(value, self.limit, code=self.code)
        if problem is not None:
            raise ValidationError(problem)
        return value


class Count(fields.Integer):
    """A JSON integer, strictly: not a float, not a string, and not ``true`` (which Python counts as 1)."""

    def _validated(self, value: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._validated(value)


def check_text(errors: list[FieldError], path: str, value: Any, limit: int, *, code: bool = True) -> None:
    """Append ``path``'s problem to ``errors`` when ``value`` (a string, or None) is out of bounds."""
    if value is None:
        return
    if not isinstance(value, str):
        errors.append(FieldError(path, "must be a string"))
        return
    problem = text_problem(value, limit, code=code)
    if problem is not None:
        errors.append(FieldError(path, problem))


def refuse_bad_texts(*checks: tuple[str, Any, int, bool]) -> None:
    """Raise ``InvalidInput`` naming every (path, value, limit, is_code) out of bounds."""
    errors: list[FieldError] = []
    for path, value, limit, is_code in checks:
        check_text(errors, path, value, limit, code=is_code)
    if errors:
        raise InvalidInput(errors)


def document_problems(doc: Any, path: str = "", depth: int = 0) -> list[FieldError]:
    """What no JSON column can keep, anywhere in ``doc``: NUL, lone surrogates, NaN or infinities, deep nesting."""
    if depth > MAX_JSON_DEPTH:
        return [FieldError(path, f"nested deeper than {MAX_JSON_DEPTH} levels")]
    if isinstance(doc, str):
        problem = text_problem(doc, len(doc), code=False)
        return [FieldError(path, problem)] if problem else []
    if isinstance(doc, float) and not math.isfinite(doc):
        return [FieldError(path, "must be a finite number")]
    out: list[FieldError] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            sub = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and (problem := text_problem(key, len(key), code=False)):
                out.append(FieldError(path or "", f"a key {problem}"))
                continue
            out += document_problems(value, sub, depth + 1)
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            out += document_problems(value, f"{path}[{i}]", depth + 1)
    return out


def number_problems(
    doc: Any, paths: list[tuple[str, ...]], where: str = "", maximum: float | None = None
) -> list[FieldError]:
    """Numbers given as strings (``"lat": "50"``) or booleans, or beyond ``maximum``, at key paths of ``doc``.

    A path element ``"*"`` walks every item of a list.
    """
    out: list[FieldError] = []
    for keys in paths:
        out += _numbers_at(doc, keys, where, maximum)
    return out


def _numbers_at(doc: Any, keys: tuple[str, ...], path: str, maximum: float | None) -> list[FieldError]:
    if not keys:
        if isinstance(doc, bool) or (doc is not None and not isinstance(doc, int | float)):
            return [FieldError(path, "must be a number")]
        if maximum is not None and isinstance(doc, int | float) and doc > maximum:
            return [FieldError(path, f"must be at most {maximum:,.0f}")]
        return []
    head, rest = keys[0], keys[1:]
    if head == "*":
        if not isinstance(doc, list):
            return []
        return [e for i, item in enumerate(doc) for e in _numbers_at(item, rest, f"{path}[{i}]", maximum)]
    if not isinstance(doc, dict) or head not in doc:
        return []
    return _numbers_at(doc[head], rest, f"{path}.{head}" if path else head, maximum)
