"""The contract's bounds: every number and string that enters the engine has one.

They are documented in docs/contract.md.  Identifiers match the OMS's
``String(64)`` columns; quantities stay far inside a 32-bit integer column;
amounts are small enough that a plan's cost (amounts times quantities, summed
over lines and sources) is a finite float with cents to spare.
"""

from __future__ import annotations

import math
import re
from typing import Any

MAX_ID_LENGTH = 64  # ids, codes, SKUs, line ids, bundles, tags, attribute names
MAX_NAME_LENGTH = 200  # display names
MAX_TEXT_LENGTH = 1000  # attribute texts
MAX_LINE_QUANTITY = 1_000_000  # units on one order line
MAX_STOCK_QUANTITY = 1_000_000_000  # on hand, reserved, safety stock: below 2**31 - 1
MAX_AMOUNT = 1e9  # a cost or a price, in the currency's unit
MAX_PRIORITY = 1_000_000
MAX_ATTRIBUTE_NUMBER = 1e15  # integers stay exact in a double
MAX_LINES = 1_000  # lines per order
MAX_SOURCES = 10_000
MAX_PRODUCTS = 1_000_000
MAX_STOCK_ROWS = 5_000_000
MAX_TAGS = 100  # tags per source or product, items of an attribute's list
MAX_ATTRIBUTES = 100  # attributes per object
MAX_TIME_LIMIT = 3600.0  # seconds the solver may spend on one order
MAX_WAVE_ORDERS = 10_000  # orders in one wave


# Unicode's control characters (category Cc) are exactly U+0000-U+001F and U+007F-U+009F; one regular
# expression finds the first character of a text that cannot be stored, far faster than a loop in Python.
_NOT_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_NOT_MULTILINE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def text_problem(value: str, multiline: bool = False) -> str | None:
    """Why a string cannot be stored and compared as text, or None when it can."""
    found = (_NOT_MULTILINE_TEXT if multiline else _NOT_TEXT).search(value)
    if found is None:
        return None
    ch = found.group()
    if "\ud800" <= ch <= "\udfff":
        return "must not contain a lone surrogate (invalid Unicode)"
    if ch == "\x00":
        return "must not contain a NUL character"
    return f"must not contain the control character U+{ord(ch):04X}"


def attribute_problem(value: Any) -> str | None:
    """Why an attribute's value is refused: a text, a finite number, true/false, null, or a list of those."""
    if isinstance(value, list):
        if len(value) > MAX_TAGS:
            return f"must hold at most {MAX_TAGS} items"
        for item in value:
            if isinstance(item, list | dict):
                return "must be a list of texts, numbers or true/false, not of lists or objects"
            problem = attribute_problem(item)
            if problem is not None:
                return problem
        return None
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        if len(value) > MAX_TEXT_LENGTH:
            return f"must be at most {MAX_TEXT_LENGTH} characters"
        return text_problem(value, multiline=True)
    if isinstance(value, int | float):
        if not _finite_within(value, MAX_ATTRIBUTE_NUMBER):
            return f"must be a finite number between -{MAX_ATTRIBUTE_NUMBER:.0e} and {MAX_ATTRIBUTE_NUMBER:.0e}"
        return None
    return "must be a text, a number, true/false, null or a list of those"


def time_limit_problem(seconds: Any) -> str | None:
    """Why a time limit in seconds is refused, or None."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return "must be a number of seconds"
    if not _finite_within(seconds, MAX_TIME_LIMIT) or seconds <= 0:
        return f"must be more than 0 and at most {MAX_TIME_LIMIT:g} seconds"
    return None


def _finite_within(value: int | float, bound: float) -> bool:
    if isinstance(value, int):
        return -bound <= value <= bound
    return math.isfinite(value) and -bound <= value <= bound
