"""The canonical formatting: it reads back as the same rules, and formatting twice changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules_dsl import format_ruleset, format_text, parse
from rules_dsl import syntax as ast
from rules_dsl.cookbook import recipes

RUNS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KEYWORDS = {
    "ruleset", "version", "settings", "rule", "priority", "when", "exclude", "only", "prefer", "avoid", "source",
    "where", "by", "per", "set", "hold", "order", "reason", "backorder", "and", "or", "not", "in", "matches",
    "true", "false",
}  # fmt: skip

names = st.from_regex(r"[a-z_][a-z0-9_]{0,7}", fullmatch=True).filter(lambda n: n not in KEYWORDS)
printable = st.characters(blacklist_categories=("Cs",), blacklist_characters=[chr(i) for i in range(32)])
texts = st.text(printable, max_size=12)
decimals = st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.datetimes(datetime(1000, 1, 1), datetime(9999, 12, 30), timezones=st.one_of(st.just(UTC), offsets))


def literals() -> st.SearchStrategy[ast.Literal]:
    return st.one_of(
        texts.map(lambda v: ast.Literal("text", v)),
        decimals.map(lambda v: ast.Literal("number", v)),
        st.booleans().map(lambda v: ast.Literal("bool", v)),
        st.dates().filter(lambda d: d.year >= 1000).map(lambda v: ast.Literal("date", v)),
        moments.map(lambda v: ast.Literal("datetime", v)),
        st.builds(
            ast.Duration,
            st.integers(0, 10**5).map(lambda n: Decimal(n) / 100),
            st.sampled_from(["ms", "s", "m", "h", "d"]),
        ).map(lambda v: ast.Literal("duration", v)),
    )


fields = st.builds(
    lambda head, rest: ast.FieldRef((head, *rest)),
    st.sampled_from(["order", "line", "source", "distance_km", "available", "other"]),
    st.lists(st.one_of(names, st.sampled_from(sorted(KEYWORDS))), max_size=3),
)
operands = st.one_of(fields, literals())
lists = st.lists(literals(), max_size=3).map(lambda xs: ast.ListLiteral(tuple(xs)))
atoms = st.one_of(
    st.builds(ast.Compare, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), operands, operands),
    st.builds(ast.Member, operands, st.one_of(lists, fields), st.booleans()),
    st.builds(ast.Matches, operands, texts.map(lambda v: ast.Literal("text", v)), st.booleans()),
    st.builds(ast.Truthy, operands),
)


def _flat(kind: type, items: list) -> tuple:
    out: list = []
    for item in items:
        out.extend(item.items if isinstance(item, kind) else [item])
    return tuple(out)


exprs = st.recursive(
    atoms,
    lambda inner: st.one_of(
        inner.map(ast.Not),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: ast.And(_flat(ast.And, xs))),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: ast.Or(_flat(ast.Or, xs))),
    ),
    max_leaves=8,
)
setting_values = st.one_of(literals(), st.builds(ast.Word, names, st.one_of(st.none(), literals())))
settings_ = st.builds(ast.Setting, names, setting_values)
actions = st.one_of(
    st.builds(ast.SourceAction, st.sampled_from(["exclude", "only"]), exprs),
    st.builds(
        ast.SourceAction,
        st.sampled_from(["prefer", "avoid"]),
        exprs,
        decimals.map(lambda v: ast.Literal("number", v)),
        st.one_of(st.sampled_from(["shipment", "unit"]), names),
    ),
    st.builds(ast.SetAction, settings_),
    st.builds(ast.HoldAction, texts),
    st.builds(ast.BackorderAction, st.one_of(st.sampled_from(["allow", "deny"]), names)),
)
rules = st.builds(
    ast.Rule,
    texts,
    st.lists(actions, min_size=1, max_size=3).map(tuple),
    st.one_of(st.none(), exprs),
    st.one_of(st.none(), st.integers(-1000, 1000)),
)
rulesets = st.builds(
    ast.Ruleset,
    texts,
    st.integers(1, 10**6),
    st.lists(settings_, max_size=3).map(tuple),
    st.lists(rules, max_size=3).map(tuple),
)


@RUNS
@given(rulesets)
def test_formatted_rules_read_back_as_the_same_rules(ruleset):
    text = format_ruleset(ruleset)
    assert parse(text) == ruleset


@RUNS
@given(rulesets)
def test_formatting_is_idempotent(ruleset):
    text = format_ruleset(ruleset)
    assert format_text(text) == text


@RUNS
@given(rulesets, st.data())
def test_comments_survive_formatting_and_stay_put_the_second_time(ruleset, data):
    lines = format_ruleset(ruleset).split("\n")[:-1]
    commented = []
    for i, line in enumerate(lines):
        where = data.draw(st.sampled_from(["none", "above", "after"]), label=f"line {i}")
        if where == "above":
            commented.append(f"# note {i}")
        commented.append(f"{line}  # note {i}" if where == "after" and line.strip() else line)
    source = "\n".join(commented) + "\n"
    once = format_text(source)
    assert parse(once) == parse(source)
    assert sorted(c.text for c in parse(once).comments) == sorted(c.text for c in parse(source).comments)
    assert format_text(once) == once


def test_the_canonical_layout():
    source = (
        'ruleset  "eu-web"   version 3 settings split_penalty 5.00 max_shipments 3\n'
        'rule "Fragile goods never ship from stores" when "fragile" in line.product.tags '
        'exclude source where source.type == "store"\n'
        'rule "Mixed" priority 2 when ((order.total < 50 or order.channel == "web")) and not (line.quantity > 3 or '
        'line.sku matches "A.*") prefer source where not distance_km < 30 by 2.50 per shipment\n'
    )
    assert format_text(source) == (
        'ruleset "eu-web" version 3\n'
        "\n"
        "settings\n"
        "  split_penalty 5.00\n"
        "  max_shipments 3\n"
        "\n"
        'rule "Fragile goods never ship from stores"\n'
        '  when "fragile" in line.product.tags\n'
        '  exclude source where source.type == "store"\n'
        "\n"
        'rule "Mixed" priority 2\n'
        '  when (order.total < 50 or order.channel == "web") and not (line.quantity > 3 or line.sku matches "A.*")\n'
        "  prefer source where not distance_km < 30 by 2.50 per shipment\n"
    )


@pytest.mark.parametrize("path", list(recipes().values()), ids=list(recipes()))
def test_the_cookbook_is_formatted(path):
    text = path.read_text(encoding="utf-8")
    assert format_text(text) == text
