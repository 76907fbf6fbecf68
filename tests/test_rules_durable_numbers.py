"""Any number an order carries reaches durable-rules' C engine safely, and compares as Python compares it.

durable-rules reads ``1e-05`` and ``1e+16`` (Python's spelling of 0.00001 and
10**16) wrongly and then crashes the process, so each batch of generated cases
runs in a child process: a crash fails the test instead of killing pytest.
"""

from __future__ import annotations

import json
import math
import operator
import subprocess
import sys
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne}
EXTREMES = [
    0.00001,
    1e-7,
    1e16,
    1e22,
    1e308,
    -1e308,
    5e-324,
    -0.0,
    math.inf,
    -math.inf,
    math.nan,
    2**31,
    2**63,
    10**30,
    -(10**400),
]

CHILD = """
import json, sys
from rules_dsl import LineFacts, OrderFacts, load
cases = json.load(sys.stdin)
rules = "".join(
    f'rule "r{i}"\\n  when line.{field} {op} {literal}\\n  set max_shipments 1\\n'
    for i, (field, op, literal, _) in enumerate(cases)
)
compiled = load('ruleset "numbers" version 1\\n' + rules)
special = {"inf": float("inf"), "nan": float("nan")}
values = [eval(text, special) for *_, text in cases]  # repr() of ints and floats, exactly
attributes = {f"v{i}": v for i, v in enumerate(values)}
lines = tuple(
    LineFacts(id=str(i), sku="S", quantity=1, unit_price=v if isinstance(v, float) else 0.0, attributes=attributes)
    for i, v in enumerate(values)
)
matched = compiled.matching(OrderFacts(id="o", lines=lines))
print(json.dumps({str(i): list(ids or ()) for i, ids in matched.items()}))
"""


def literals() -> st.SearchStrategy[str]:
    """Number literals as merchants write them: digits, an optional sign and fraction, never an exponent."""
    whole = st.integers(min_value=-(10**12), max_value=10**12)
    fraction = st.none() | st.from_regex(r"[0-9]{1,8}", fullmatch=True)
    return st.builds(lambda w, f: f"{w}" if f is None else f"{w}.{f}", whole, fraction)


def values() -> st.SearchStrategy[float | int]:
    return (
        st.sampled_from(EXTREMES)
        | st.floats(allow_nan=True, allow_infinity=True)
        | st.integers(min_value=-(2**80), max_value=2**80)
        | st.integers(min_value=-(10**6), max_value=10**6).map(lambda n: n * 10.0**-7)
    )


def expected_match(value: float | int, op: str, literal: str) -> bool:
    number = float(Decimal(literal))
    if isinstance(value, float) and math.isnan(value):
        return op == "!="  # NaN is no number to compare: absent
    try:
        as_float = float(value)
    except OverflowError:
        as_float = sys.float_info.max if value > 0 else -sys.float_info.max
    if math.isinf(as_float):
        as_float = math.copysign(sys.float_info.max, as_float)
    return OPS[op](as_float, number)


def run_child(cases: list[tuple[str, str, str, str]]) -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD], input=json.dumps(cases), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"durable-rules died (exit {done.returncode}) on {cases}: {done.stderr[-500:]}"
    return json.loads(done.stdout)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(values(), st.sampled_from(sorted(OPS)), literals()), min_size=1, max_size=25))
def test_numbers_of_any_size_compare_in_durable_rules_as_in_python(cases):
    batch = []
    for i, (value, op, literal) in enumerate(cases):
        field = "unit_price" if isinstance(value, float) else f"attributes.v{i}"
        batch.append((field, op, literal, repr(value)))
    matched = run_child(batch)
    prices = [value if isinstance(value, float) else 0.0 for value, _, _ in cases]  # line j's unit price
    for i, (value, op, literal) in enumerate(cases):
        if isinstance(value, float):
            expected = [str(j) for j, price in enumerate(prices) if expected_match(price, op, literal)]
            assert matched.get(str(i), []) == expected, (value, op, literal)
        else:  # the attribute is on every line
            assert bool(matched.get(str(i))) == expected_match(value, op, literal), (value, op, literal)


def test_the_prices_that_crashed_the_process_compare_correctly():
    cases = [("unit_price", ">", "1000", repr(v)) for v in (0.00001, 1e16, 1e-05, 1e308)]
    matched = run_child(cases)  # every rule reads every line: the lines priced 1e16 and 1e308 match
    assert matched == {str(i): ["1", "3"] for i in range(4)}


def test_an_order_total_beyond_the_largest_float_is_still_above_a_thousand():
    child = (
        "from rules_dsl import LineFacts, OrderFacts, load\n"
        'c = load(\'ruleset "t" version 1\\nrule "big"\\n  when order.total > 1000\\n  set max_shipments 1\\n\')\n'
        "lines = (LineFacts('1', 'A', 1, 1e308), LineFacts('2', 'B', 1, 1e308))\n"
        "print(c.matching(OrderFacts('o', lines)))\n"
    )
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "{0: None}"
