"""The patterns ``matches`` accepts: Python regular expressions, matched against the whole text.

Patterns are matched by Python's ``re`` in ``when`` and ``where`` alike (in
``when`` the result enters durable-rules as a fact: its own matcher reads
JSON escapes literally and loops forever on nested repetitions).
"""

from __future__ import annotations

import functools
import re

MAX_LENGTH = 200


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not accepted, or None when it is."""
    if not pattern:
        return 'empty pattern: it only matches empty text; compare with == "" instead'
    if len(pattern) > MAX_LENGTH:
        return f"pattern longer than {MAX_LENGTH} characters"
    try:
        compile_pattern(pattern)
    except re.error as err:
        return f"invalid pattern: {err.msg} at position {(err.pos or 0) + 1}"
    return None


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The pattern for ``fullmatch``: ``.`` matches any character, line breaks included."""
    return re.compile(pattern, re.DOTALL)


def fullmatch(pattern: str, text: str) -> bool:
    return compile_pattern(pattern).fullmatch(text) is not None
