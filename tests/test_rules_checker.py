"""Type-checking: every problem a merchant can make, each at its place with a hint where one helps."""

from __future__ import annotations

import pytest

from rules_dsl import RulesError, diagnose, load
from rules_dsl.cookbook import recipes

HEADER = 'ruleset "t" version 1\n'


def problems(source: str) -> list[str]:
    _, found = diagnose(source, "x.rules")
    return [f"{d.line}:{d.column}: {d.message}" for d in found]


def when(condition: str) -> list[str]:
    return problems(f'{HEADER}rule "r"\n  when {condition}\n  backorder allow\n')


def where(predicate: str) -> list[str]:
    return problems(f'{HEADER}rule "r"\n  exclude source where {predicate}\n')


def setting(line: str) -> list[str]:
    return problems(f"{HEADER}settings\n  {line}\n")


@pytest.mark.parametrize("path", list(recipes().values()), ids=list(recipes()))
def test_every_cookbook_ruleset_is_valid(path):
    assert problems(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ('order.channel == "web"', []),
        ("order.created_at >= 2026-11-27T10:00:00Z", []),
        ('order.attributes.tier == 3 and order.attributes.tier == "gold"', []),
        ("line.attributes.gift", []),
        ('source.typ == "store"', ["3:8: unknown field 'source.typ'; did you mean 'source.type'?"]),
        ("order.totl < 5", ["3:8: unknown field 'order.totl'; did you mean 'order.total'?"]),
        ("line.tags == 1", ["3:8: unknown field 'line.tags'; did you mean 'line.product.tags'?"]),
        ("shipment.weight > 1", ["3:8: unknown field 'shipment.weight'"]),
        (
            'order.country == "DE"',
            ["3:8: unknown field 'order.country'; did you mean 'order.delivery.address.country'?"],
        ),
        ("order.attributes == 1", ["3:8: 'order.attributes' needs an attribute name: order.attributes.NAME"]),
        (
            "order.attributes.a.b == 1",
            ["3:8: unknown field 'order.attributes.a.b': an attribute has a single name, order.attributes.NAME"],
        ),
        ('order.delivery == "ship"', ["3:8: 'order.delivery' is not a value; did you mean 'order.delivery.method'?"]),
        (
            'source.type == "store"',
            ["3:8: source.type describes a source: use it after `where` (`when` is about the order and its lines)"],
        ),
        (
            "distance_km < 30",
            ["3:8: distance_km describes a source: use it after `where` (`when` is about the order and its lines)"],
        ),
        (
            "source.type == 3",
            ["3:8: source.type describes a source: use it after `where` (`when` is about the order and its lines)"],
        ),
        ('order.total < "fifty"', ['3:8: cannot compare number order.total with text "fifty"']),
        ("order.channel == 3", ["3:8: cannot compare text order.channel with number 3"]),
        ("order.created_at > 5", ["3:8: cannot compare date and time order.created_at with number 5"]),
        ("line.quantity == true", ["3:8: cannot compare number line.quantity with true/false true"]),
        ("order.total < 5s", ["3:22: 5s: durations are only used in settings such as time_limit"]),
        ("1 == 1", ["3:8: compare a field with a value: both sides are values"]),
        (
            "line.quantity > order.line_count",
            ["3:8: in `when`, compare a field with a value (two fields can be compared after `where`)"],
        ),
        (
            'line.product.tags == "fragile"',
            ['3:8: line.product.tags is a list: test membership with "VALUE" in line.product.tags'],
        ),
        ("order.attributes.vip < true", ["3:8: true/false values have no order: use == or != instead of <"]),
        (
            'order.delivery.method == "pickupp"',
            ["3:33: order.delivery.method is never \"pickupp\" (it is one of ship, pickup); did you mean 'pickup'?"],
        ),
        (
            'line.product.type != "digital"',
            ["3:29: line.product.type is never \"digital\" (it is one of physical, virtual); did you mean 'virtual'?"],
        ),
        (
            '"x" in order.channel',
            ["3:15: order.channel is text, not a list; to test part of a text, use matches"],
        ),
        ("3 in order.total", ["3:13: order.total is number, not a list"]),
        (
            "line.sku in line.product.tags",
            ['3:8: in `when`, the value before `in line.product.tags` must be written out, e.g. "fragile"'],
        ),
        ("3 in line.product.tags", ["3:8: lists hold text: cannot look for number 3 in line.product.tags"]),
        ("order.channel in []", ["3:25: empty list: `in []` never matches"]),
        ('"web" in ["web"]', ["3:8: put a field before `in [...]`: here both sides are values"]),
        (
            'line.product.tags in ["a"]',
            ['3:8: line.product.tags is a list: test one value with "VALUE" in line.product.tags'],
        ),
        ('order.channel in ["web", 3]', ["3:33: cannot compare text order.channel with number 3"]),
        (
            'order.delivery.method in ["ship", "post"]',
            ['3:42: order.delivery.method is never "post" (it is one of ship, pickup)'],
        ),
        ('"web" matches "w.*"', ["3:8: put a field before `matches`"]),
        ('order.total matches "1.*"', ["3:8: only text can match a pattern, and order.total is number"]),
        ('line.sku matches "A-(["', ["3:25: invalid pattern: unterminated character set at position 4"]),
        ('line.sku matches ""', ['3:25: empty pattern: it only matches empty text; compare with == "" instead']),
        ("true", ["3:8: true alone is not a condition: compare a field with a value"]),
        ("order.total", ["3:8: order.total is number, not a condition: compare it with a value"]),
    ],
)
def test_conditions_are_checked_against_the_fields_they_read(condition, expected):
    assert when(condition) == expected


@pytest.mark.parametrize(
    ("predicate", "expected"),
    [
        ('source.type == "store" and available < line.quantity', []),
        ("source.location.country == order.delivery.address.country", []),
        ("distance_km > 100 and source.priority >= 10", []),
        ("order.delivery.pickup_source in source.tags", []),
        ("source.code in line.attributes.allowed_sources", []),
        ("source.attributes.zone == order.attributes.zone", []),
        (
            'source.type == "stroe"',
            ["3:39: source.type is never \"stroe\" (it is one of warehouse, store, dropship); did you mean 'store'?"],
        ),
        ("source.priority == source.code", ["3:24: cannot compare number source.priority with text source.code"]),
        ("available == true", ["3:24: cannot compare number available with true/false true"]),
        ("source.capabilities", ["3:24: source.capabilities is list, not a condition: compare it with a value"]),
    ],
)
def test_where_reads_sources_and_may_compare_two_fields(predicate, expected):
    assert where(predicate) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("split_penalty 5.00", []),
        ("split_penalty 0", []),
        ("split_penalty -1", ["3:17: split_penalty must be an amount of money from 0 to 1,000,000, e.g. 5.00"]),
        ("split_penalty 5ms", ["3:17: split_penalty must be an amount of money from 0 to 1,000,000, e.g. 5.00"]),
        ("max_shipments 3", []),
        ("max_shipments 0", ["3:17: max_shipments must be a positive integer"]),
        ("max_shipments 2.5", ["3:17: max_shipments must be a positive integer"]),
        ("max_shipments lots", ["3:17: max_shipments must be a positive integer"]),
        ("time_limit 500ms", []),
        ("time_limit 5", ["3:14: time_limit must be a positive duration such as 500ms or 2s"]),
        ("time_limit 0s", ["3:14: time_limit must be a positive duration such as 500ms or 2s"]),
        ("partial hold", []),
        ("partial maybe", ["3:11: partial takes ship or hold, not 'maybe'"]),
        ("partial shipp", ["3:11: partial takes ship or hold, not 'shipp'; did you mean 'ship'?"]),
        ("partial 1", ["3:11: partial takes ship or hold"]),
        ("partial hold 2", ["3:11: partial hold takes nothing after it"]),
        ("bundles together", []),
        ("bundles split_after 2", []),
        (
            "bundles split_after 0",
            ["3:11: bundles split_after needs a positive whole number of attempts, e.g. split_after 2"],
        ),
        (
            "bundles split_after",
            ["3:11: bundles split_after needs a positive whole number of attempts, e.g. split_after 2"],
        ),
        ("bundles togther", ["3:11: bundles takes together or split_after N; did you mean 'together'?"]),
        (
            "max_shipment 3",
            [
                "3:3: unknown setting 'max_shipment'; did you mean 'max_shipments'? "
                "(settings: split_penalty, max_shipments, time_limit, partial, bundles)"
            ],
        ),
    ],
)
def test_settings_take_values_of_their_kind(line, expected):
    assert setting(line) == expected


def test_set_checks_its_setting_like_the_settings_block():
    assert problems(f'{HEADER}rule "r"\n  set max_shipments 0\n') == ["3:21: max_shipments must be a positive integer"]


def test_a_setting_is_set_once_in_the_settings_block():
    assert problems(f"{HEADER}settings\n  max_shipments 2\n  max_shipments 3\n") == [
        "4:3: max_shipments is already set on line 3"
    ]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (
            "prefer source where distance_km < 30 by 0 per shipment",
            ["3:43: the amount after 'by' must be greater than 0 (to turn prefer around, use avoid)"],
        ),
        (
            "avoid source where distance_km < 30 by -2 per unit",
            ["3:42: the amount after 'by' must be greater than 0 (to turn avoid around, use prefer)"],
        ),
        (
            "avoid source where distance_km < 30 by 2 per units",
            ["3:3: 'per units': amounts are per shipment or per unit; did you mean 'unit'?"],
        ),
        ('hold order reason ""', ['3:3: hold needs a reason the team will read, e.g. reason "fraud review"']),
        ("backorder allowed", ["3:3: backorder takes allow or deny, not 'allowed'; did you mean 'allow'?"]),
    ],
)
def test_actions_are_checked(rule, expected):
    assert problems(f'{HEADER}rule "r"\n  {rule}\n') == expected


def test_rule_names_are_unique_and_not_empty():
    source = f'{HEADER}rule "a"\n  backorder allow\nrule "a"\n  backorder deny\nrule " "\n  backorder deny\n'
    assert problems(source) == [
        '4:1: duplicate rule name "a" (first on line 2)',
        "6:1: a rule needs a name",
    ]


def test_the_ruleset_needs_a_name():
    assert problems('ruleset "" version 1\n') == ["1:1: the ruleset needs a name"]


def test_every_problem_is_reported_at_once_in_file_order():
    source = (
        f"{HEADER}settings\n  max_shipments 0\n"
        'rule "a"\n  when source.typ == "store"\n  exclude source where source.type == 3\n'
        'rule "b"\n  when order.total < "x"\n  backorder maybe\n'
    )
    assert problems(source) == [
        "3:17: max_shipments must be a positive integer",
        "5:8: unknown field 'source.typ'; did you mean 'source.type'?",
        "6:24: cannot compare text source.type with number 3",
        '8:8: cannot compare number order.total with text "x"',
        "9:3: backorder takes allow or deny, not 'maybe'",
    ]


def test_load_refuses_an_invalid_ruleset_with_every_problem():
    with pytest.raises(RulesError) as caught:
        load(f'{HEADER}rule "a"\n  when order.totl < 5\n  backorder maybe\n', "eu.rules")
    assert [str(d) for d in caught.value.diagnostics] == [
        "eu.rules:3:8: unknown field 'order.totl'; did you mean 'order.total'?",
        "eu.rules:4:3: backorder takes allow or deny, not 'maybe'",
    ]
