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
from rules_dsl.actions import CompiledAction, VerdictBuilder, compile_action
from rules_dsl.durable_session import DurableConditions, DurableError
from rules_dsl.errors import Diagnostic, RulesError
from rules_dsl.facts import OrderFacts, Placement
from rules_dsl.settings import FIELD_OF, settings_from_block
from rules_dsl.source_table import SourceTable
from rules_dsl.verdict import RuleSettings, Verdict
from rules_dsl.when import LINE_FACT, WhenCompiler


@dataclass(frozen=True, slots=True)
class CompiledRule:
    index: int
    rule: ast.Rule
    per_line: bool
    actions: tuple[CompiledAction, ...]

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
    settings: RuleSettings  # from the settings block
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
        matched: dict[int, tuple[str, ...] | None] = {r.index: None for r in self.rules if r.rule.when is None}
        if self.conditions is not None:
            per_line: dict[int, set[int]] = {}
            facts = self.when.facts(order, self._order_conditions, self._line_conditions)
            for key, position in self.conditions.matches(facts):
                fact = facts[position]
                if fact["k"] == LINE_FACT:
                    # a condition with `or` can match one fact once per true branch
                    per_line.setdefault(int(key[1:]), set()).add(fact["i"])
                else:
                    matched[int(key[1:])] = None
            for index, rows in per_line.items():
                matched[index] = tuple(order.lines[row].id for row in sorted(rows))
        return {i: lines for i, lines in sorted(matched.items()) if self.rules[i].name not in self.disabled}

    def evaluate(self, order: OrderFacts, table: SourceTable, placement: Placement) -> Verdict:
        builder = VerdictBuilder(self.settings, self._settings_from, order, table, placement)
        for index, lines in self.matching(order).items():
            rule = self.rules[index]
            builder.apply(rule.rule, rule.actions, lines)
        return builder.verdict()

    @functools.cached_property
    def _order_conditions(self) -> bool:
        return any(not r.per_line and r.rule.when is not None for r in self.rules)

    @functools.cached_property
    def _line_conditions(self) -> bool:
        return any(r.per_line for r in self.rules)

    @functools.cached_property
    def _settings_from(self) -> dict[str, str]:
        return {FIELD_OF[s.name]: "settings" for s in self.source.settings}


def compile_ruleset(ruleset: ast.Ruleset) -> CompiledRuleset:
    """Compile a checked ruleset, once: identical rulesets (same name, version and rules) share one compilation.

    The answer carries ``ruleset`` itself, so its file name and positions are the caller's.
    """
    return dataclasses.replace(_compile(ruleset), source=ruleset)


def forget_compiled() -> None:
    """Drop every cached compilation, so the next one is timed from scratch (benchmarks)."""
    _compile.cache_clear()


@functools.lru_cache(maxsize=32)
def _compile(ruleset: ast.Ruleset) -> CompiledRuleset:
    when = WhenCompiler()
    rules = []
    conditions: dict[str, dict] = {}
    for index, rule in enumerate(ruleset.rules):
        per_line = rule.when is not None and mentions_line(rule.when)
        if rule.when is not None:
            conditions[f"r{index}"] = when.rule_condition(rule.when, per_line)
        actions = tuple(compile_action(action) for action in rule.actions)
        rules.append(CompiledRule(index, rule, per_line, actions))
    settings = settings_from_block(ruleset.settings)
    return CompiledRuleset(ruleset, tuple(rules), when, _durable(ruleset, conditions), settings)


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
