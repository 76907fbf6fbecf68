"""The sourcing rules language: merchants' preferences, parsed, checked and compiled.

    ruleset = load_file("eu-web.rules")       # RulesError lists every problem
    verdict = ruleset.evaluate(order_facts, source_table, placement)

``when`` conditions run in durable-rules, ``where`` predicates as numpy masks
over the sources; the verdict (exclusions, only-sets, costs, settings, hold,
backorder) is what the engine turns into its directives.  This package knows
nothing of the engine: the engine supplies the facts (``rules_dsl.facts``).
"""

from rules_dsl.compiled import CompiledRuleset, compile_ruleset
from rules_dsl.errors import Diagnostic, RulesError
from rules_dsl.facts import LineFacts, OrderFacts, Placement, SourceRow
from rules_dsl.formatter import format_ruleset
from rules_dsl.loading import diagnose, format_text, load, load_file
from rules_dsl.parser import parse
from rules_dsl.source_table import SourceTable
from rules_dsl.verdict import CostRule, RuleMatch, RuleSettings, SourceFilterRule, Verdict

__all__ = [
    "CompiledRuleset",
    "CostRule",
    "Diagnostic",
    "LineFacts",
    "OrderFacts",
    "Placement",
    "RuleMatch",
    "RuleSettings",
    "RulesError",
    "SourceFilterRule",
    "SourceRow",
    "SourceTable",
    "Verdict",
    "compile_ruleset",
    "diagnose",
    "format_ruleset",
    "format_text",
    "load",
    "load_file",
    "parse",
]
