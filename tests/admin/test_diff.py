"""The version diff: every line of both versions is accounted for, changes are named, long sameness is folded."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from api.admin.diff import version_diff

V1 = 'ruleset "web" version 1\n\nrule "a"\n  exclude source where source.code == "WH-VIE"\n'
V2 = (
    'ruleset "web" version 2\n\nrule "a"\n  exclude source where source.code == "WH-VIE"\n'
    '\nrule "b"\n  prefer source where source.type == "store"\n'
)


def test_a_new_rule_shows_as_added_lines_and_the_header_as_changed() -> None:
    diff = version_diff(V1, V2, "version 1", "version 2")
    changes = [(r.change, r.old_number, r.new_number) for r in diff.rows]
    assert changes[0] == ("changed", 1, 1)
    assert ("added", None, 6) in changes and ("added", None, 7) in changes
    assert diff.counts == {"added": 4, "removed": 1} and not diff.identical


def test_two_equal_versions_are_identical_and_folded_to_one_row() -> None:
    text = "\n".join(f"line {i}" for i in range(40))
    diff = version_diff(text, text)
    assert diff.identical
    assert [(r.change, r.folded) for r in diff.rows] == [("folded", 40)]


def test_only_three_lines_of_context_surround_a_change_in_a_long_text() -> None:
    old = [f"line {i}" for i in range(30)]
    new = [*old[:15], "changed", *old[16:]]
    diff = version_diff("\n".join(old), "\n".join(new))
    assert [r.change for r in diff.rows] == ["folded"] + ["same"] * 3 + ["changed"] + ["same"] * 3 + ["folded"]
    assert diff.rows[0].folded == 12 and diff.rows[-1].folded == 11


lines = st.lists(st.sampled_from(["a", "b", "c", "rule x", "", "\x00", "é" * 3]), max_size=25)


@settings(max_examples=200)
@given(lines, lines)
def test_every_line_of_both_versions_appears_once_in_order_or_in_a_fold(old: list[str], new: list[str]) -> None:
    diff = version_diff("\n".join(old), "\n".join(new), context=1)
    old_lines = [r.old_number for r in diff.rows if r.old_number is not None]
    new_lines = [r.new_number for r in diff.rows if r.new_number is not None]
    folded = sum(r.folded for r in diff.rows)
    assert old_lines == sorted(old_lines) and new_lines == sorted(new_lines)
    a, b = "\n".join(old).splitlines(), "\n".join(new).splitlines()
    assert len(old_lines) + folded == len(a) and len(new_lines) + folded == len(b)
    assert all(a[r.old_number - 1] == r.old_text for r in diff.rows if r.old_number)
    assert all(b[r.new_number - 1] == r.new_text for r in diff.rows if r.new_number)
