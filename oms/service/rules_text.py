"""Rules text on its own: check it (every diagnostic with line and column), format it, explain it on one order.

``oms rules check|fmt|explain`` and ``POST /v1/rules/check|fmt|explain`` call these
functions and render the same answer: the explanation is computed once here
and shown as text by the command line, as JSON by both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oms.errors import FieldError, InvalidInput
from rules_dsl import CompiledRuleset, Diagnostic, RulesError, RuleSettings, compile_ruleset, diagnose, format_text
from sourcing_engine import NetworkIndex, Order, Plan, source
from sourcing_engine.rules_bridge import verdict_for
from sourcing_engine.schemas import plan_to_dict


@dataclass(frozen=True, slots=True)
class Checked:
    ruleset: CompiledRuleset | None  # None when there is any diagnostic
    diagnostics: list[Diagnostic]

    def to_dict(self) -> dict[str, Any]:
        r = self.ruleset
        return {
            "valid": not self.diagnostics,
            "diagnostics": [diagnostic_dict(d) for d in self.diagnostics],
            "ruleset": None if r is None else {"name": r.name, "version": r.version, "rules": len(r.rules)},
        }


def check_rules(text: str, file: str = "<rules>") -> Checked:
    """Every problem of ``text`` (syntax, types, then compilation), or the compiled ruleset."""
    ruleset, diagnostics = diagnose(text, file)
    if ruleset is not None and not diagnostics:
        try:
            return Checked(compile_ruleset(ruleset), [])
        except RulesError as err:
            diagnostics = err.diagnostics
    return Checked(None, list(diagnostics))


def compiled_rules(text: str, path: str = "rules", file: str = "<rules>") -> CompiledRuleset:
    """The compiled ruleset, or ``InvalidInput`` with every diagnostic under the field ``path``."""
    checked = check_rules(text, file)
    if checked.ruleset is None:
        raise InvalidInput([FieldError(path, str(d)) for d in checked.diagnostics])
    return checked.ruleset


def formatted(text: str, path: str = "text", file: str = "rules") -> str:
    """``text`` in the canonical formatting of ``oms rules fmt``, or ``InvalidInput`` with its syntax errors."""
    try:
        return format_text(text, file)
    except RulesError as err:
        raise InvalidInput([FieldError(path, str(d)) for d in err.diagnostics]) from None


def diagnostic_dict(d: Diagnostic) -> dict[str, Any]:
    return {"file": d.file, "line": d.line, "column": d.column, "message": d.message, "text": str(d)}


@dataclass(frozen=True, slots=True)
class MatchedRule:
    rule: str
    line: int  # where the rule starts in the rules text
    lines: tuple[str, ...] | None  # the order lines it matched; None: the whole order
    effects: tuple[str, ...]
    without_it: Plan

    def scope(self) -> str:
        return "the order" if self.lines is None else "line(s) " + ", ".join(self.lines)


@dataclass(frozen=True, slots=True)
class Explanation:
    """Which rules matched an order, what each did to the plan, and the plans with and without the rules."""

    ruleset: CompiledRuleset
    order: Order
    strategy: str
    matched: list[MatchedRule]
    unmatched: list[str]
    settings: list[tuple[str, str, str]]  # (setting, value as the rules say it, the rule it came from)
    plan: Plan
    without_rules: Plan  # with no ruleset at all: neither its rules nor its settings block

    def to_dict(self) -> dict[str, Any]:
        return {
            "ruleset": {"name": self.ruleset.name, "version": self.ruleset.version},
            "order_id": self.order.id,
            "lines": len(self.order.lines),
            "strategy": self.strategy,
            "matched": [
                {
                    "rule": m.rule,
                    "line": m.line,
                    "lines": None if m.lines is None else list(m.lines),
                    "effects": list(m.effects),
                    "without_it": difference(self.plan, m.without_it),
                    "plan_without_it": plan_to_dict(m.without_it),
                }
                for m in self.matched
            ],
            "unmatched": self.unmatched,
            "settings": [{"setting": s, "value": v, "from": origin} for s, v, origin in self.settings],
            "plan": plan_to_dict(self.plan),
            "plan_without_rules": plan_to_dict(self.without_rules),
        }


def explain(ruleset: CompiledRuleset, order: Order, index: NetworkIndex, strategy: str) -> Explanation:
    verdict = verdict_for(ruleset, order, index)
    plan = source(order, index, strategy, rules=ruleset)
    matched = []
    for match in verdict.matches:
        rule = next(r for r in ruleset.source.rules if r.name == match.rule)
        without = source(order, index, strategy, rules=ruleset.without({match.rule}))
        matched.append(MatchedRule(match.rule, rule.line, match.lines, tuple(match.effects), without))
    names = {m.rule for m in matched}
    return Explanation(
        ruleset=ruleset,
        order=order,
        strategy=strategy,
        matched=matched,
        unmatched=[r.name for r in ruleset.rules if r.name not in names],
        settings=[(name, _setting(verdict.settings, name), origin) for name, origin in verdict.settings_from.items()],
        plan=plan,
        without_rules=source(order, index, strategy),  # no ruleset: neither its rules nor its settings
    )


def difference(plan: Plan, without: Plan) -> str:
    """What the plan would be without a rule, in words, compared with the plan with it."""
    if _shape(plan) == _shape(without):
        return "the same plan (no effect on this order)"
    if without.hold is not None:
        return f"the order would be on hold ({without.hold})"
    if plan.hold is not None:
        shipments = count(len(without.physical_shipments), "shipment")
        return f"the order would ship: cost {without.total_cost:.2f}, {shipments}"
    sources = ", ".join(dict.fromkeys(s.source for s in without.physical_shipments)) or "nowhere"
    text = (
        f"cost {without.total_cost:.2f} instead of {plan.total_cost:.2f}, "
        f"{count(len(without.physical_shipments), 'shipment')} from {sources}"
    )
    if without.filled_units != plan.filled_units:
        text += f", {without.filled_units} units filled instead of {plan.filled_units}"
    return text


def count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _setting(settings: RuleSettings, name: str) -> str:
    value = getattr(settings, name)
    if name == "split_penalty":
        return f"split_penalty {value:.2f}"
    if name == "time_limit":
        return f"time_limit {value * 1000:g}ms"
    if name == "bundle_split_after":
        return "bundles together" if value is None else f"bundles split_after {value}"
    return f"{name} {value}"


def _shape(plan: Plan) -> tuple:
    shipments = sorted(
        (s.source, s.kind, tuple(sorted((pl.line_id, pl.quantity) for pl in s.lines))) for s in plan.shipments
    )
    return plan.hold, tuple(shipments), tuple(sorted((u.line_id, u.reason) for u in plan.unsourced))
