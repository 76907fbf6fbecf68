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
from typing import Any

import numpy as np

from rules_dsl import syntax as ast
from rules_dsl.facts import OrderFacts, Placement
from rules_dsl.formatter import format_expr
from rules_dsl.settings import FIELD_OF, describe_setting, setting_value, settings_from_block
from rules_dsl.source_table import SourceTable
from rules_dsl.verdict import CostRule, RuleMatch, SourceFilterRule, Verdict
from rules_dsl.where import LINE, ORDER, Env, WherePredicate

MAX_NAMED = 4  # sources named in an explanation before "+N more"


class VerdictBuilder:
    def __init__(self, ruleset: ast.Ruleset, order: OrderFacts, table: SourceTable, placement: Placement) -> None:
        self.ruleset = ruleset
        self.order = order
        self.table = table
        self.env = Env(table, order, placement)
        self.out = Verdict(settings=settings_from_block(ruleset.settings))
        self.out.settings_from = {FIELD_OF[s.name]: "settings" for s in ruleset.settings}
        self.ranked: list[tuple[tuple[int, int], str, Any]] = []  # (priority, position), what, value
        self.per_order: dict[ast.Expr, np.ndarray] = {}
        self.position = 0

    def apply(self, rule: ast.Rule, wheres: tuple[WherePredicate | None, ...], lines: tuple[str, ...] | None) -> None:
        effects = []
        for action, where in zip(rule.actions, wheres, strict=True):
            self.position += 1
            rank = (rule.priority or 0, self.position)
            if isinstance(action, ast.SourceAction):
                assert where is not None
                effects.append(self._source_action(rule.name, action, where, lines))
            elif isinstance(action, ast.SetAction):
                self.ranked.append((rank, "set", (action.setting, rule.name)))
                effects.append("set " + describe_setting(action.setting))
            elif isinstance(action, ast.HoldAction):
                self.ranked.append((rank, "hold", action.reason))
                effects.append(f'hold the order: "{action.reason}"')
            elif isinstance(action, ast.BackorderAction):
                targets = lines if lines is not None else tuple(line.id for line in self.order.lines)
                self.ranked.append((rank, "backorder", (targets, action.mode == "allow")))
                effects.append(f"backorder {action.mode}")
        self.out.matches.append(RuleMatch(rule.name, rule.priority or 0, lines, tuple(effects)))

    def verdict(self) -> Verdict:
        settings = self.out.settings
        for _, what, value in sorted(self.ranked, key=lambda item: item[0]):
            if what == "set":
                setting, rule = value
                settings = _with(settings, FIELD_OF[setting.name], setting_value(setting))
                self.out.settings_from[FIELD_OF[setting.name]] = rule
            elif what == "hold":
                self.out.hold = value
            else:
                targets, allowed = value
                self.out.backorder.update(dict.fromkeys(targets, allowed))
        self.out.settings = settings
        return self.out

    def _source_action(
        self, rule: str, action: ast.SourceAction, where: WherePredicate, lines: tuple[str, ...] | None
    ) -> str:
        groups = self._masks(where, lines)
        for mask, group in groups:
            if action.verb in ("exclude", "only"):
                self.out.filters.append(SourceFilterRule(action.verb, mask, rule, group))  # type: ignore[arg-type]
            else:
                amount = float(action.amount.value)  # type: ignore[union-attr, arg-type]
                signed = -amount if action.verb == "prefer" else amount
                self.out.costs.append(CostRule(signed, action.per, mask, rule, group))  # type: ignore[arg-type]
        return self._describe(action, groups)

    def _masks(
        self, where: WherePredicate, lines: tuple[str, ...] | None
    ) -> list[tuple[np.ndarray, frozenset[str] | None]]:
        """The predicate's mask, for the rule's lines (None: the whole order)."""
        scope = None if lines is None else frozenset(lines)
        if where.depends == LINE:
            return self._line_masks(where, lines)
        if where.depends == ORDER:
            mask = self.per_order.get(where.expr)
            if mask is None:
                mask = self.per_order[where.expr] = where.mask(self.env)
            return [(mask, scope)]
        mask = self.table.masks.get(where.expr)
        if mask is None:
            mask = self.table.masks[where.expr] = where.mask(self.env)
        return [(mask, scope)]

    def _line_masks(
        self, where: WherePredicate, lines: tuple[str, ...] | None
    ) -> list[tuple[np.ndarray, frozenset[str] | None]]:
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

    def _describe(self, action: ast.SourceAction, groups: list[tuple[np.ndarray, frozenset[str] | None]]) -> str:
        counts = sorted({int(mask.sum()) for mask, _ in groups})
        named = self._named(groups[0][0]) if len(groups) == 1 else "depending on the line"
        how = f"{action.verb} {'/'.join(map(str, counts)) or 0} source(s) where {format_expr(action.where)}"
        if action.amount is not None:
            how += f" by {action.amount.value} per {action.per}"
        return f"{how} ({named})" if named else how

    def _named(self, mask: np.ndarray) -> str:
        codes = [self.table.codes[i] for i in np.flatnonzero(mask)]
        if not codes:
            return "none"
        more = f", +{len(codes) - MAX_NAMED} more" if len(codes) > MAX_NAMED else ""
        return ", ".join(codes[:MAX_NAMED]) + more


def _with(settings: Any, name: str, value: object) -> Any:
    return dataclasses.replace(settings, **{name: value})
