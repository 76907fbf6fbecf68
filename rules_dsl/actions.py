"""Applying the matching rules' actions to one order, and combining them.

- ``exclude`` sets are united and ``only`` sets intersected (by the engine,
  which receives each rule's set with its name);
- ``prefer``/``avoid`` amounts are added to the cost of matching shipments or units;
- ``set``, ``hold`` and ``backorder`` are resolved by rule priority (higher
  wins), then by place in the file (later wins); ``set`` overrides the
  settings block.

A rule matched by some lines applies its source actions to those lines only;
a ``where`` that reads the line (``available``, ``line.``) is evaluated line
by line, and lines with the same answer share one filter.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from rules_dsl import syntax as ast
from rules_dsl.facts import OrderFacts, Placement
from rules_dsl.formatter import format_setting
from rules_dsl.settings import FIELD_OF, setting_value
from rules_dsl.source_table import SourceTable
from rules_dsl.verdict import CostRule, RuleMatch, RuleSettings, SourceFilterRule, Verdict
from rules_dsl.where import LINE, ORDER, Env, WherePredicate, compile_where

MAX_NAMED = 4  # sources named in an explanation before "+N more"
Groups = list[tuple[np.ndarray, frozenset[str] | None]]


@dataclass(frozen=True, slots=True)
class CompiledAction:
    action: ast.Action
    where: WherePredicate | None = None
    amount: float = 0.0  # signed: negative for prefer
    effect: str = ""  # how it reads in an explanation (source actions add their sources)


def compile_action(action: ast.Action) -> CompiledAction:
    if isinstance(action, ast.SourceAction):
        where = compile_where(action.where)
        if action.amount is None:
            return CompiledAction(action, where, 0.0, f"{action.verb} {{count}} source(s) where {where.key}")
        amount = float(action.amount.value)  # type: ignore[arg-type]
        signed = -amount if action.verb == "prefer" else amount
        by = f" by {action.amount.value} per {action.per}"
        return CompiledAction(action, where, signed, f"{action.verb} {{count}} source(s) where {where.key}{by}")
    if isinstance(action, ast.SetAction):
        return CompiledAction(action, effect="set " + format_setting(action.setting))
    if isinstance(action, ast.HoldAction):
        return CompiledAction(action, effect=f'hold the order: "{action.reason}"')
    return CompiledAction(action, effect=f"backorder {action.mode}")  # type: ignore[union-attr]


class VerdictBuilder:
    def __init__(
        self, settings: RuleSettings, settings_from: dict[str, str], order: OrderFacts, table: SourceTable,
        placement: Placement,
    ) -> None:  # fmt: skip
        self.order = order
        self.table = table
        self.env = Env(table, order, placement)
        self.out = Verdict(settings=settings, settings_from=dict(settings_from))
        self.ranked: list[tuple[tuple[int, int], str, Any]] = []  # (priority, position), what, value
        self.per_order: dict[str, np.ndarray] = {}
        self.position = 0

    def apply(self, rule: ast.Rule, actions: tuple[CompiledAction, ...], lines: tuple[str, ...] | None) -> None:
        effects = []
        for compiled in actions:
            action = compiled.action
            self.position += 1
            rank = (rule.priority or 0, self.position)
            if isinstance(action, ast.SourceAction):
                effects.append(self._source_action(rule.name, compiled, lines))
                continue
            effects.append(compiled.effect)
            if isinstance(action, ast.SetAction):
                self.ranked.append((rank, "set", (action.setting, rule.name)))
            elif isinstance(action, ast.HoldAction):
                self.ranked.append((rank, "hold", action.reason))
            elif isinstance(action, ast.BackorderAction):
                targets = lines if lines is not None else tuple(line.id for line in self.order.lines)
                self.ranked.append((rank, "backorder", (targets, action.mode == "allow")))
        self.out.matches.append(RuleMatch(rule.name, rule.priority or 0, lines, tuple(effects)))

    def verdict(self) -> Verdict:
        settings = self.out.settings
        for _, what, value in sorted(self.ranked, key=lambda item: item[0]):
            if what == "set":
                setting, rule = value
                settings = dataclasses.replace(settings, **{FIELD_OF[setting.name]: setting_value(setting)})
                self.out.settings_from[FIELD_OF[setting.name]] = rule
            elif what == "hold":
                self.out.hold = value
            else:
                targets, allowed = value
                self.out.backorder.update(dict.fromkeys(targets, allowed))
        self.out.settings = settings
        return self.out

    def _source_action(self, rule: str, compiled: CompiledAction, lines: tuple[str, ...] | None) -> str:
        action = compiled.action
        assert isinstance(action, ast.SourceAction) and compiled.where is not None
        groups = self._masks(compiled.where, lines)
        for mask, group in groups:
            if action.verb == "exclude" or action.verb == "only":
                self.out.filters.append(SourceFilterRule(action.verb, mask, rule, group))
            else:
                self.out.costs.append(CostRule(compiled.amount, action.per, mask, rule, group))  # type: ignore[arg-type]
        if len(groups) == 1:
            count, named = self.table.describe(groups[0][0], MAX_NAMED)
            return compiled.effect.format(count=count) + f" ({named})"
        counts = "/".join(str(c) for c in sorted({int(mask.sum()) for mask, _ in groups}))
        return compiled.effect.format(count=counts) + " (depending on the line)"

    def _masks(self, where: WherePredicate, lines: tuple[str, ...] | None) -> Groups:
        """The predicate's mask, for the rule's lines (None: the whole order)."""
        scope = None if lines is None else frozenset(lines)
        if where.depends == LINE:
            return self._line_masks(where, lines)
        cache = self.per_order if where.depends == ORDER else self.table.masks
        mask = cache.get(where.key)
        if mask is None:
            mask = cache[where.key] = where.mask(self.env)
        return [(mask, scope)]

    def _line_masks(self, where: WherePredicate, lines: tuple[str, ...] | None) -> Groups:
        targets = [line for line in self.order.lines if lines is None or line.id in lines]
        by_mask: dict[bytes, tuple[np.ndarray, list[str]]] = {}
        for line in targets:
            self.env.line = line
            mask = where.mask(self.env)
            by_mask.setdefault(mask.tobytes(), (mask, []))[1].append(line.id)
        self.env.line = None
        if len(by_mask) == 1 and lines is None:
            return [(next(iter(by_mask.values()))[0], None)]
        return [(mask, frozenset(ids)) for mask, ids in by_mask.values()]
