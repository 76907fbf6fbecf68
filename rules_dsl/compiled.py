"""A ruleset compiled once per version, then asked about each order.

``when`` conditions go into one durable-rules ruleset; ``where`` predicates
into numpy masks; ``evaluate`` matches an order's facts, applies the matching
rules' actions and answers with a ``Verdict``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from rules_dsl import syntax as ast
from rules_dsl.actions import VerdictBuilder
from rules_dsl.durable_session import DurableConditions, DurableError
from rules_dsl.errors import Diagnostic, RulesError
from rules_dsl.facts import OrderFacts, Placement
from rules_dsl.settings import settings_from_block
from rules_dsl.source_table import SourceTable
from rules_dsl.verdict import Verdict
from rules_dsl.when import LINE_FACT, WhenCompiler
from rules_dsl.where import WherePredicate, compile_where


@dataclass(frozen=True, slots=True)
class CompiledRule:
    index: int
    rule: ast.Rule
    per_line: bool
    wheres: tuple[WherePredicate | None, ...]  # one per action, for source actions

    @property
    def name(self) -> str:
        return self.rule.name

    @property
    def priority(self) -> int:
        return self.rule.priority or 0


@dataclass(frozen=True, eq=False)
class CompiledRuleset:
    source: ast.Ruleset
    rules: tuple[CompiledRule, ...]
    when: WhenCompiler
    conditions: DurableConditions | None
    disabled: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def version(self) -> int:
        return self.source.version

    def without(self, names: Iterable[str]) -> CompiledRuleset:
        """The same ruleset with some rules switched off (to show what each one does)."""
        return dataclasses.replace(self, disabled=self.disabled | frozenset(names))

    def matching(self, order: OrderFacts) -> dict[int, tuple[str, ...] | None]:
        """Rules (by index) whose ``when`` holds: for the whole order (None) or for these lines."""
        matched: dict[int, tuple[str, ...] | None] = {rule.index: None for rule in self.rules if rule.rule.when is None}
        if self.conditions is not None:
            per_line = {i: [] for i, rule in enumerate(self.rules) if rule.per_line}
            facts = self.when.facts(order, self._has(per_line=False), bool(per_line))
            for key, fact in self.conditions.matches(facts):
                index = int(key[1:])
                if fact["k"] == LINE_FACT:
                    per_line[index].append(fact["i"])
                else:
                    matched[index] = None
            for index, rows in per_line.items():
                if rows:
                    matched[index] = tuple(order.lines[row].id for row in sorted(rows))
        return {index: lines for index, lines in sorted(matched.items()) if self.rules[index].name not in self.disabled}

    def evaluate(self, order: OrderFacts, table: SourceTable, placement: Placement) -> Verdict:
        builder = VerdictBuilder(self.source, order, table, placement)
        for index, lines in self.matching(order).items():
            rule = self.rules[index]
            builder.apply(rule.rule, rule.wheres, lines)
        return builder.verdict()

    def _has(self, per_line: bool) -> bool:
        return any(rule.per_line == per_line and rule.rule.when is not None for rule in self.rules)


def compile_ruleset(ruleset: ast.Ruleset) -> CompiledRuleset:
    """Compile a checked ruleset; identical rulesets (same name, version and rules) share one compilation."""
    return _compile(ruleset)


@functools.lru_cache(maxsize=32)
def _compile(ruleset: ast.Ruleset) -> CompiledRuleset:
    settings_from_block(ruleset.settings)  # the settings must be valid before anything runs
    when = WhenCompiler()
    rules = []
    conditions: dict[str, dict] = {}
    for index, rule in enumerate(ruleset.rules):
        per_line = rule.when is not None and mentions_line(rule.when)
        if rule.when is not None:
            conditions[f"r{index}"] = when.rule_condition(rule.when, per_line)
        wheres = tuple(compile_where(a.where) if isinstance(a, ast.SourceAction) else None for a in rule.actions)
        rules.append(CompiledRule(index, rule, per_line, wheres))
    return CompiledRuleset(ruleset, tuple(rules), when, _durable(ruleset, conditions))


def _durable(ruleset: ast.Ruleset, conditions: dict[str, dict]) -> DurableConditions | None:
    if not conditions:
        return None
    label = f"{ruleset.name}@{ruleset.version}"
    try:
        return DurableConditions(label, conditions)
    except DurableError:
        pass
    problems = []
    for key, condition in conditions.items():
        try:
            DurableConditions(label, {key: condition})
        except DurableError as err:
            when = ruleset.rules[int(key[1:])].when
            assert when is not None  # only rules with a condition are compiled into durable-rules
            message = f"durable-rules cannot compile this condition: {err}"
            problems.append(Diagnostic(ruleset.file, when.line, when.column, message))
    raise RulesError(
        problems or [Diagnostic(ruleset.file, ruleset.line, ruleset.column, "durable-rules cannot compile the ruleset")]
    )


def mentions_line(expr: ast.Expr) -> bool:
    """Whether a condition reads the order's lines, which makes its rule apply line by line."""
    return any(name.startswith("line.") for name in ast.field_names(expr))
