"""The patterns ``matches`` accepts: the part of regular expressions that means the same everywhere.

``when`` patterns run in durable-rules' own matcher and ``where`` patterns in
Python's ``re``; both match the whole text, byte by byte.  Only constructs
that behave identically in both are accepted, so a rule means the same in
either place: characters, ``.``, classes ``[a-z0-9]``, groups ``( | )``,
``* + ?`` and ``{m}``/``{m,n}``, and backslash escapes of those symbols.
"""

from __future__ import annotations

import re

META = ".|?*+()[]{}\\"
MAX_REPEAT = 100  # durable-rules' limit on {m,n}


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not accepted, or None when it is."""
    if not pattern:
        return 'empty pattern: it only matches empty text; compare with == "" instead'
    problem = _scan(pattern)
    if problem is None:
        try:
            re.compile(pattern.encode("utf-8"), re.DOTALL)
        except re.error as err:
            problem = f"invalid pattern: {err.msg}"
    return problem


def compile_pattern(pattern: str) -> re.Pattern[bytes]:
    """The pattern for ``re.fullmatch`` on UTF-8 bytes, the way durable-rules reads it."""
    return re.compile(pattern.encode("utf-8"), re.DOTALL)


def _scan(pattern: str) -> str | None:
    depth = 0
    can_repeat = False
    after_repeat = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        repeat = False
        if c == "\\":
            if i + 1 >= len(pattern):
                return "a pattern cannot end with a backslash"
            if pattern[i + 1] not in META:
                return (
                    f"'\\{pattern[i + 1]}' is not supported in patterns: a backslash only escapes "
                    ". | ? * + ( ) [ ] { } \\ (write [0-9] for a digit, [a-z] for a letter)"
                )
            i += 1
            can_repeat = True
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                return "unclosed [ in pattern"
            if end == i + 1:
                return "empty class [] in pattern"
            if pattern[i + 1] == "^":
                return "negated classes [^...] are not supported; write `not ... matches` instead"
            i = end
            can_repeat = True
        elif c in "*+?{":
            if not can_repeat:
                what = "lazy or doubled repetition" if after_repeat else "nothing to repeat"
                return f"'{c}' at position {i + 1} of the pattern: {what}"
            if c == "{":
                end = pattern.find("}", i)
                problem = _interval(pattern[i + 1 : end] if end > 0 else None)
                if problem:
                    return problem
                i = end
            repeat = True
            can_repeat = False
        elif c == "(":
            if pattern.startswith("(?", i):
                return "(? groups are not supported in patterns"
            if pattern.startswith("()", i):
                return "empty group () in pattern"
            depth += 1
            can_repeat = False
        elif c == ")":
            depth -= 1
            if depth < 0:
                return "unbalanced ) in pattern"
            can_repeat = True
        elif c == "|":
            can_repeat = False
        elif c in "^$":
            return f"'{c}' is not needed: a pattern always matches the whole text"
        elif c in "]}":
            return f"unbalanced {c} in pattern; escape it as \\{c}"
        else:
            can_repeat = True
        after_repeat = repeat
        i += 1
    if depth > 0:
        return "unclosed ( in pattern"
    return None


def _interval(body: str | None) -> str | None:
    if body is None or not re.fullmatch(r"\d+(,\d*)?", body):
        return "repetition must read {m}, {m,} or {m,n} with whole numbers"
    low, _, high = body.partition(",")
    if high and int(high) < int(low):
        return f"repetition {{{body}}}: the maximum is below the minimum"
    if max(int(low), int(high or 0)) > MAX_REPEAT:
        return f"repetition {{{body}}}: at most {MAX_REPEAT} repeats"
    return None
