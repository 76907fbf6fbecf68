"""Parsing: every construct of the language into its tree, and every syntax error at its place."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from rules_dsl import RulesError, diagnose, parse
from rules_dsl import syntax as ast

HEADER = 'ruleset "t" version 1\n'


def when_of(condition: str) -> ast.Expr:
    rule = parse(f'{HEADER}rule "r"\n  when {condition}\n  backorder allow\n').rules[0]
    assert rule.when is not None
    return rule.when


def f(name: str) -> ast.FieldRef:
    return ast.FieldRef(tuple(name.split(".")))


def text(value: str) -> ast.Literal:
    return ast.Literal("text", value)


def num(value: str) -> ast.Literal:
    return ast.Literal("number", Decimal(value))


def errors(source: str) -> list[str]:
    _, problems = diagnose(source, "x.rules")
    return [f"{d.line}:{d.column}: {d.message}" for d in problems]


def test_a_ruleset_reads_its_header_settings_and_rules_in_order():
    ruleset = parse(
        'ruleset "eu-web" version 3\n\n'
        "settings\n  split_penalty 5.00\n  time_limit 500ms\n  partial hold\n  bundles split_after 2\n\n"
        'rule "first" priority 10\n  when order.total < 50\n  set max_shipments 1\n\n'
        'rule "second" priority -2\n  exclude source where source.type == "store"\n'
    )
    assert (ruleset.name, ruleset.version) == ("eu-web", 3)
    assert [s.name for s in ruleset.settings] == ["split_penalty", "time_limit", "partial", "bundles"]
    assert ruleset.settings[0].value == num("5.00")
    assert ruleset.settings[1].value == ast.Literal("duration", ast.Duration(Decimal(500), "ms"))
    assert ruleset.settings[2].value == ast.Word("hold")
    assert ruleset.settings[3].value == ast.Word("split_after", num("2"))
    assert [(r.name, r.priority) for r in ruleset.rules] == [("first", 10), ("second", -2)]
    assert ruleset.rules[1].when is None


def test_every_action_has_its_own_node():
    rule = parse(
        f'{HEADER}rule "all"\n'
        '  exclude source where source.type == "store"\n'
        '  only source where "eu" in source.tags\n'
        "  prefer source where distance_km < 30 by 2.50 per shipment\n"
        '  avoid source where source.code == "WH-BER" by 0.40 per unit\n'
        "  set max_shipments 1\n"
        '  hold order reason "fraud review"\n'
        "  backorder deny\n"
    ).rules[0]
    kinds = [type(a).__name__ + (f":{a.verb}" if isinstance(a, ast.SourceAction) else "") for a in rule.actions]
    assert kinds == [
        "SourceAction:exclude",
        "SourceAction:only",
        "SourceAction:prefer",
        "SourceAction:avoid",
        "SetAction",
        "HoldAction",
        "BackorderAction",
    ]
    prefer, avoid = rule.actions[2], rule.actions[3]
    assert (prefer.amount, prefer.per) == (num("2.50"), "shipment")
    assert (avoid.amount, avoid.per) == (num("0.40"), "unit")
    assert rule.actions[4] == ast.SetAction(ast.Setting("max_shipments", num("1")))
    assert rule.actions[5] == ast.HoldAction("fraud review")
    assert rule.actions[6] == ast.BackorderAction("deny")


@pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">="])
def test_each_comparison_reads_as_written(op):
    assert when_of(f"order.total {op} 50") == ast.Compare(op, f("order.total"), num("50"))


@pytest.mark.parametrize(
    ("condition", "tree"),
    [
        (
            'order.channel in ["web", "app"]',
            ast.Member(f("order.channel"), ast.ListLiteral((text("web"), text("app")))),
        ),
        ('order.channel not in ["pos"]', ast.Member(f("order.channel"), ast.ListLiteral((text("pos"),)), True)),
        ('"fragile" in line.product.tags', ast.Member(text("fragile"), f("line.product.tags"))),
        ('"fragile" not in line.product.tags', ast.Member(text("fragile"), f("line.product.tags"), True)),
        ('line.sku matches "A-.*"', ast.Matches(f("line.sku"), text("A-.*"))),
        ('line.sku not matches "A-.*"', ast.Matches(f("line.sku"), text("A-.*"), True)),
        ("order.attributes.vip", ast.Truthy(f("order.attributes.vip"))),
        ("not order.attributes.vip", ast.Not(ast.Truthy(f("order.attributes.vip")))),
        ("-3 < order.total", ast.Compare("<", num("-3"), f("order.total"))),
        ("order.attributes.gift == true", ast.Compare("==", f("order.attributes.gift"), ast.Literal("bool", True))),
        ("order.attributes.gift != false", ast.Compare("!=", f("order.attributes.gift"), ast.Literal("bool", False))),
    ],
)
def test_membership_patterns_and_truth_tests_read_as_written(condition, tree):
    assert when_of(condition) == tree


def test_and_binds_tighter_than_or_and_not_tighter_than_and():
    a = ast.Compare("==", f("order.channel"), text("a"))
    b = ast.Compare("==", f("order.channel"), text("b"))
    c = ast.Compare("==", f("order.channel"), text("c"))
    cond = 'order.channel == "a" or not order.channel == "b" and order.channel == "c"'
    assert when_of(cond) == ast.Or((a, ast.And((ast.Not(b), c))))
    paren = '(order.channel == "a" or order.channel == "b") and order.channel == "c"'
    assert when_of(paren) == ast.And((ast.Or((a, b)), c))


def test_chains_of_and_or_are_flat_however_they_are_parenthesised():
    flat = 'order.channel == "a" or order.channel == "b" or order.channel == "c"'
    nested = '(order.channel == "a" or (order.channel == "b")) or order.channel == "c"'
    assert when_of(flat) == when_of(nested)
    assert len(when_of(flat).items) == 3


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("2026-11-27", ast.Literal("date", date(2026, 11, 27))),
        ("2026-11-27T10:00:00Z", ast.Literal("datetime", datetime(2026, 11, 27, 10, tzinfo=UTC))),
        ("2026-11-27T10:00", ast.Literal("datetime", datetime(2026, 11, 27, 10, tzinfo=UTC))),
        (
            "2026-11-27T10:00:00.5+01:00",
            ast.Literal("datetime", datetime(2026, 11, 27, 10, 0, 0, 500000, tzinfo=timezone(timedelta(hours=1)))),
        ),
    ],
)
def test_dates_and_datetimes_are_iso_8601_and_a_time_without_zone_is_utc(literal, value):
    assert when_of(f"order.created_at >= {literal}").right == value


@pytest.mark.parametrize(
    ("written", "seconds"), [("250ms", 0.25), ("2s", 2), ("1.5m", 90), ("1h", 3600), ("1d", 86400)]
)
def test_durations_carry_their_unit(written, seconds):
    setting = parse(f"{HEADER}settings\n  time_limit {written}\n").settings[0]
    assert setting.value.value.seconds == pytest.approx(seconds)


def test_strings_escape_quotes_and_backslashes_and_keep_other_backslashes():
    rule = parse(f'{HEADER}rule "say \\"hi\\" \\\\ there"\n  when line.sku matches "A\\.B"\n  backorder allow\n').rules[
        0
    ]
    assert rule.name == 'say "hi" \\ there'
    assert rule.when.pattern.value == "A\\.B"


def test_keywords_are_plain_names_after_a_dot():
    assert when_of("order.attributes.rule == 1").left == f("order.attributes.rule")
    where = parse(f'{HEADER}rule "r"\n  avoid source where source.priority > 3 by 1 per unit\n').rules[0].actions[0]
    assert where.where.left == f("source.priority")


def test_layout_is_free_a_rule_may_span_lines_or_share_one():
    one_line = parse(f'{HEADER}rule "r" when order.total < 5 and\n    order.channel == "web" set max_shipments 1\n')
    laid_out = parse(f'{HEADER}rule "r"\n  when order.total < 5 and order.channel == "web"\n  set max_shipments 1\n')
    assert one_line == laid_out


def test_positions_point_at_each_node():
    ruleset = parse(f'{HEADER}\nrule "r"\n  when order.total < 5\n  exclude source where source.type == "store"\n')
    rule = ruleset.rules[0]
    assert (rule.line, rule.column) == (3, 1)
    assert (rule.when.line, rule.when.column) == (4, 8)
    assert (rule.when.right.line, rule.when.right.column) == (4, 22)
    assert (rule.actions[0].line, rule.actions[0].column) == (5, 3)


def test_comments_are_kept_with_their_place_but_not_part_of_the_meaning():
    source = f'# about\n{HEADER}rule "r"  # trailing\n  # inside\n  backorder allow\n'
    ruleset = parse(source)
    assert [(c.text, c.line, c.trailing) for c in ruleset.comments] == [
        (" about", 1, False),
        (" trailing", 3, True),
        (" inside", 4, False),
    ]
    assert ruleset == parse(f'{HEADER}rule "r"\n  backorder allow\n')


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("", '1:1: the file is empty: it must start with ruleset "NAME" version N'),
        (
            'rule "r"\n  backorder allow\n',
            "1:1: unexpected 'rule'; a rules file starts with ruleset \"NAME\" version N",
        ),
        ("ruleset 'x' version 1\n", '1:9: unexpected "\'"; strings are written in double quotes'),
        ('ruleset "x" version 1.5\n', "1:21: version must be a positive integer, not 1.5"),
        ('ruleset "x" version 0\n', "1:21: version must be a positive integer, not 0"),
        (f'{HEADER}rule "r"\n  when order.total = 5\n  backorder allow\n', "3:20: unexpected '='; use == to compare"),
        (
            f'{HEADER}rule "r"\n  when !order.attributes.vip\n  backorder allow\n',
            "3:8: unexpected '!'; use != to compare, or 'not' to negate a condition",
        ),
        (f'{HEADER}rule "r"\n  when order.total < 5 @\n  backorder allow\n', "3:24: unexpected character '@'"),
        (
            f'{HEADER}rule "r"\n  when order.channel == "web\n  backorder allow\n',
            '3:25: unterminated string: close it with " on the same line',
        ),
        (f'{HEADER}rule "r"\n  exclude sources where x == 1\n', "3:11: unexpected 'sources'; expected 'source'"),
        (
            f'{HEADER}rule "r"\n  when order.total < 5\n',
            "2:1: a rule needs at least one action (exclude, only, prefer, avoid, set, hold or backorder)",
        ),
        (
            f'{HEADER}rule "r"\n  avoid source where distance_km > 5 by 2 per\n',
            "3:46: unexpected end of file; expected a name",
        ),
        (
            f'{HEADER}rule "r"\n  when order.total <\n',
            "3:21: unexpected end of file; expected one of 'false', 'true', a date, a date and time, "
            "a duration, a name, a number, a string in double quotes",
        ),
        (
            f'{HEADER}rule "r"\n  when order.created_at > 2026-02-30\n  backorder allow\n',
            "3:27: invalid date 2026-02-30: day is out of range for month",
        ),
        (
            f'{HEADER}rule "r"\n  when order.created_at > 2026-02-01T25:00Z\n  backorder allow\n',
            "3:27: invalid date and time 2026-02-01T25:00Z: hour must be in 0..23",
        ),
    ],
)
def test_each_syntax_error_is_reported_at_its_place_in_plain_words(source, expected):
    assert errors(source) == [expected]


def test_a_broken_rule_does_not_hide_the_errors_of_the_others():
    source = (
        f"{HEADER}"
        'rule "one"\n  when order.total = 5\n  backorder allow\n'
        'rule "two"\n  when order.total < 5\n'
        'rule "three"\n  when source.typ == "store"\n  backorder allow\n'
        'rule "four"\n  backorder allow\n'
    )
    assert errors(source) == [
        "3:20: unexpected '='; use == to compare",
        "5:1: a rule needs at least one action (exclude, only, prefer, avoid, set, hold or backorder)",
        "8:8: unknown field 'source.typ'; did you mean 'source.type'?",
    ]


def test_parse_raises_every_syntax_error_with_the_file_name():
    with pytest.raises(RulesError) as caught:
        parse(
            f'{HEADER}rule "a"\n  when x = 1\n  backorder allow\nrule "b"\n  when y = 2\n  backorder allow\n',
            "eu.rules",
        )
    assert str(caught.value).splitlines() == [
        "eu.rules:3:10: unexpected '='; use == to compare",
        "eu.rules:6:10: unexpected '='; use == to compare",
    ]
