"""Compiled conditions mean what the language says: durable-rules and numpy agree with a plain interpreter."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rules_dsl import LineFacts, OrderFacts, Placement, SourceRow, SourceTable, load
from rules_dsl import syntax as ast
from rules_dsl.formatter import format_expr
from rules_dsl.literals import quote
from rules_dsl.patterns import pattern_problem
from rules_dsl.where import Env, compile_where
from tests.rules_support import World, conditions, field, holds, lit, order_facts, when_atoms

RUNS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def ruleset_of(whens: list[ast.Expr]) -> str:
    rules = "\n".join(f'rule "r{i}"\n  when {format_expr(w)}\n  set max_shipments 1\n' for i, w in enumerate(whens))
    return f'ruleset "t" version 1\n\n{rules}'


@RUNS
@given(
    st.lists(conditions(when_atoms("order")), min_size=1, max_size=3),
    st.lists(conditions(when_atoms("line")), min_size=1, max_size=3),
    st.lists(order_facts(), min_size=1, max_size=4),
)
def test_durable_rules_matches_exactly_the_orders_and_lines_the_conditions_describe(order_whens, line_whens, orders):
    whens = order_whens + line_whens
    compiled = load(ruleset_of(whens))
    for order in orders:
        expected = {}
        for i, when in enumerate(whens):
            if not any(name.startswith("line.") for name in ast.field_names(when)):
                if holds(when, World(order)):
                    expected[i] = None
            else:
                lines = tuple(line.id for line in order.lines if holds(when, World(order, line)))
                if lines:
                    expected[i] = lines
        assert compiled.matching(order) == expected


SOURCES = [
    SourceRow("WH-1", "warehouse", 1, "Berlin DC", frozenset({"eu", "hazmat"}), frozenset({"ship"}), "DE", "10115",
              {"zone": "north", "backlog_days": 3, "at_capacity": False}),
    SourceRow("ST-1", "store", 10, "Munich store", frozenset({"eu"}), frozenset({"ship", "pickup"}), "DE", "80331",
              {"zone": "south", "backlog_days": "3"}),
    SourceRow("DS-1", "dropship", 20, "", frozenset(), frozenset({"ship"}), None, None, {"at_capacity": True}),
    SourceRow("WH-2", "warehouse", 2, "Vienna DC", frozenset({"eu"}), frozenset({"ship"}), "AT", "1010", {}),
]  # fmt: skip
DISTANCES = np.array([12.0, 250.0, 800.0, 30.0])
STOCK = {"A-1": np.array([0, 5, 2, 9]), "A-22": np.array([3, 0, 0, 1])}


def where_atoms() -> st.SearchStrategy[ast.Expr]:
    text = st.sampled_from(["WH-1", "ST-1", "store", "DE", "north", "3", ""]).map(lambda v: lit("text", v))
    numbers = st.sampled_from(["0", "2", "3", "10", "100", "250"]).map(
        lambda t: lit("number", __import__("decimal").Decimal(t))
    )
    orderings = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
    return st.one_of(
        st.builds(ast.Compare, orderings, st.sampled_from([field("source.code"), field("source.type")]), text),
        st.builds(ast.Compare, orderings, st.sampled_from([field("source.priority"), field("distance_km")]), numbers),
        st.builds(ast.Compare, orderings, st.just(field("available")), numbers),
        st.builds(ast.Compare, orderings, st.just(field("available")), st.just(field("line.quantity"))),
        st.builds(ast.Compare, st.sampled_from(["==", "!="]), st.just(field("source.location.country")),
                  st.sampled_from([field("order.delivery.address.country"), lit("text", "DE")])),
        st.builds(ast.Compare, st.sampled_from(["==", "!="]), st.just(field("source.code")),
                  st.just(field("order.delivery.pickup_source"))),
        st.builds(ast.Compare, orderings, st.just(field("source.attributes.backlog_days")), numbers),
        st.builds(ast.Compare, orderings, st.just(field("source.attributes.zone")), text),
        st.builds(ast.Truthy, st.just(field("source.attributes.at_capacity"))),
        st.builds(ast.Member, st.sampled_from(["eu", "hazmat", "x"]).map(lambda v: lit("text", v)),
                  st.sampled_from([field("source.tags"), field("source.capabilities")]), st.booleans()),
        st.builds(ast.Member, st.just(field("source.code")),
                  st.lists(text, min_size=1, max_size=3).map(lambda xs: ast.ListLiteral(tuple(xs))), st.booleans()),
        st.builds(ast.Matches, st.sampled_from([field("source.code"), field("source.name")]),
                  st.sampled_from(["WH-.*", ".*DC", "[A-Z]+-1"]).map(lambda p: lit("text", p)), st.booleans()),
        st.builds(ast.Compare, orderings, st.just(field("order.total")), numbers),
        st.builds(ast.Member, st.sampled_from(["fragile", "bulky"]).map(lambda v: lit("text", v)),
                  st.just(field("line.product.tags")), st.booleans()),
    )  # fmt: skip


@RUNS
@given(conditions(where_atoms()), order_facts(), st.sampled_from(["A-1", "A-22", "unknown"]))
def test_where_masks_select_exactly_the_sources_the_predicate_describes(where, order, sku):
    table = SourceTable(SOURCES)
    line = order.lines[0].__class__(**{**_fields(order.lines[0]), "sku": sku})
    stock = STOCK.get(sku, np.zeros(4, dtype=np.int64))
    placement = Placement(lambda: DISTANCES, lambda s: STOCK.get(s, np.zeros(4, dtype=np.int64)))
    mask = compile_where(where).mask(Env(table, order, placement, line))
    expected = [
        holds(where, World(order, line, source, float(DISTANCES[i]), int(stock[i]))) for i, source in enumerate(SOURCES)
    ]
    assert mask.tolist() == expected


def _fields(line):
    return {name: getattr(line, name) for name in line.__slots__}


def test_a_date_stands_for_the_whole_day():
    compiled = load(
        'ruleset "d" version 1\n'
        'rule "on the day"\n  when order.created_at == 2026-11-27\n  set max_shipments 1\n'
        'rule "through the day"\n  when order.created_at <= 2026-11-27\n  set max_shipments 1\n'
        'rule "after the day"\n  when order.created_at > 2026-11-27\n  set max_shipments 1\n'
    )
    late = OrderFacts("O", (), created_at=datetime(2026, 11, 27, 23, 59, 59, tzinfo=UTC))
    next_day = OrderFacts("O", (), created_at=datetime(2026, 11, 28, 0, 0, tzinfo=UTC))
    assert set(compiled.matching(late)) == {0, 1}
    assert set(compiled.matching(next_day)) == {2}


def test_an_absent_value_is_unequal_to_everything_and_has_no_order():
    compiled = load(
        'ruleset "n" version 1\n'
        'rule "ne"\n  when order.attributes.tier != "gold"\n  set max_shipments 1\n'
        'rule "lt"\n  when order.attributes.tier < "m"\n  set max_shipments 1\n'
        'rule "not lt"\n  when not order.attributes.tier < "m"\n  set max_shipments 1\n'
        'rule "eq"\n  when order.attributes.tier == "gold"\n  set max_shipments 1\n'
    )
    assert set(compiled.matching(OrderFacts("O", ()))) == {0, 2}
    assert set(compiled.matching(OrderFacts("O", (), attributes={"tier": "gold"}))) == {1, 3}
    assert set(compiled.matching(OrderFacts("O", (), attributes={"tier": 7}))) == {0, 2}


def test_a_list_with_no_tags_is_not_a_list_with_the_tag():
    compiled = load(
        'ruleset "t" version 1\nrule "no tag"\n  when "fragile" not in line.product.tags\n  backorder allow\n'
    )
    order = OrderFacts("O", (LineFacts("1", "A", 1), LineFacts("2", "B", 1, product_tags=frozenset({"fragile"}))))
    assert compiled.matching(order) == {0: ("1",)}


def patterns() -> st.SearchStrategy[str]:
    atoms = st.sampled_from(["a", "b", "-", "ü", ".", "[a-c]", "[ü0-9]", "\\.", "\\d", '"', "\\\\", "[^a]"])

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, inner).map("".join),
            st.tuples(inner, inner).map(lambda p: f"({p[0]}|{p[1]})"),
            st.tuples(inner, st.sampled_from(["*", "+", "?", "{2}", "{1,3}", "{2,}"])).map(lambda p: f"({p[0]}){p[1]}"),
        )

    return st.recursive(atoms, extend, max_leaves=5)


@RUNS
@given(patterns(), st.lists(st.text(alphabet='ab-ü0c."\\', max_size=6), min_size=1, max_size=5))
def test_patterns_match_the_same_texts_in_when_and_in_where(pattern, texts):
    assume(pattern_problem(pattern) is None)
    compiled = load(
        f'ruleset "p" version 1\nrule "p"\n  when order.channel matches {quote(pattern)}\n  set max_shipments 1\n'
    )
    for text in texts:
        expected = re.fullmatch(pattern, text, re.DOTALL) is not None
        assert (0 in compiled.matching(OrderFacts("O", (), channel=text))) == expected, text
