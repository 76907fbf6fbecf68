"""Every number a merchant writes has a bound, and the checker names the real problem at its place."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules_dsl import diagnose
from rules_dsl.limits import MAX_AMOUNT, MAX_NUMBER, MAX_SHIPMENTS, MAX_TIME_LIMIT_SECONDS

HEADER = 'ruleset "t" version 1\n'


def problems(source: str) -> list[str]:
    _, found = diagnose(source, "x.rules")
    return [f"{d.line}:{d.column}: {d.message}" for d in found]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            f'{HEADER}settings\n  split_penalty 1e4\n  max_shipments 2\n\nrule "a"\n  set max_shipments 1\n',
            ["3:17: numbers are written without an exponent: 10000 rather than 1e4"],
        ),
        (
            f'{HEADER}settings\n  time_limit -5s\n\nrule "a"\n  set max_shipments 1\n',
            ["3:14: a duration cannot be negative: -5s"],
        ),
        (
            'ruleset "t"\n\nrule "a"\n  set max_shipments 1\nrule "b"\n  set max_shipments 2\n',
            ['1:12: the header needs a version: ruleset "t" version 1'],
        ),
        (
            f"{HEADER}settings\n  time_limit 99999999d\n  max_shipments 99999999999999999999999999\n",
            [
                "3:14: time_limit must be at most 1h (3,600s), not 99999999d",
                "4:17: max_shipments must be at most 1,000",
            ],
        ),
        (
            f'{HEADER}rule "a"\n  avoid source where source.type == "store" by 10000000000 per unit\n',
            ["3:48: the amount after 'by' must be at most 1,000,000 (to keep a source out of every plan, use exclude)"],
        ),
        (
            f'{HEADER}rule "a"\n  when order.total > 99999999999999999999\n  set max_shipments 1\n',
            ["3:22: 99999999999999999999 is too large: numbers in rules are at most 1,000,000,000,000,000 in size"],
        ),
        (
            f'{HEADER}rule "a" priority 99999999999\n  set max_shipments 1\n',
            ["2:19: a rule's priority is between -1,000,000 and 1,000,000, not 99999999999"],
        ),
        (
            'ruleset "t" version 99999999999\n',
            ["1:21: version must be a positive integer of at most 2,147,483,647, not 99999999999"],
        ),
        (f"{HEADER}settings\n  bundles split_after 5000\n", ["3:11: bundles split_after takes at most 1,000 attempts"]),
    ],
)
def test_the_checker_names_the_real_problem_once_at_its_place(source: str, expected: list[str]) -> None:
    assert problems(source) == expected


def numbers() -> st.SearchStrategy[str]:
    """Numbers as a merchant might type them: plain, signed, with fractions, huge, or in exponent form."""
    plain = st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**20), max_value=10**20)
    exponent = st.tuples(st.integers(1, 9), st.integers(-400, 400)).map(lambda t: f"{t[0]}e{t[1]}")
    return st.one_of(plain.map(lambda d: format(d, "f")), exponent, st.sampled_from(["0", "1e4", "-0", "2147483648"]))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["split_penalty", "max_shipments", "by", "when"]), numbers())
def test_any_number_is_accepted_within_its_bound_or_refused_at_its_place(place: str, number: str) -> None:
    lines = {
        "split_penalty": (f"settings\n  split_penalty {number}\n", 3, 17),
        "max_shipments": (f"settings\n  max_shipments {number}\n", 3, 17),
        "by": (f'rule "a"\n  avoid source where source.priority > 1 by {number} per unit\n', 3, 45),
        "when": (f'rule "a"\n  when order.total > {number}\n  set max_shipments 1\n', 3, 22),
    }
    body, line, column = lines[place]
    found = problems(HEADER + body)
    value = Decimal(number)
    exponent = "e" in number
    bounds = {
        "split_penalty": 0 <= value <= MAX_AMOUNT,
        "max_shipments": value == value.to_integral_value() and 1 <= value <= MAX_SHIPMENTS,
        "by": 0 < value <= MAX_AMOUNT,
        "when": abs(value) <= MAX_NUMBER,
    }
    if exponent or not bounds[place]:
        assert found and all(p.startswith(f"{line}:{column}: ") for p in found), found
        assert not exponent or "exponent" in found[0]
    else:
        assert found == []


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**9), st.sampled_from(["ms", "s", "m", "h", "d"]), st.booleans())
def test_a_time_limit_is_a_positive_duration_of_at_most_an_hour(amount: int, unit: str, negative: bool) -> None:
    seconds = amount * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}[unit]
    found = problems(f"{HEADER}settings\n  time_limit {'-' if negative else ''}{amount}{unit}\n")
    if negative:
        assert found == [f"3:14: a duration cannot be negative: -{amount}{unit}"]
    elif 0 < seconds <= MAX_TIME_LIMIT_SECONDS:
        assert found == []
    else:
        assert len(found) == 1 and found[0].startswith("3:14: time_limit must be")
