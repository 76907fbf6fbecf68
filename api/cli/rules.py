"""``oms rules``: check, format and explain sourcing rules files.

Exit codes: 0 done, 1 a negative answer (invalid rules, a file not
formatted), 2 bad input or usage (an unreadable file, a malformed order).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from api.cli.inputs import BAD_INPUT, display_name, fail, load_document, read_text
from rules_dsl import CompiledRuleset, RulesError, RuleSettings, compile_ruleset, diagnose, format_text
from sourcing_engine import STRATEGIES, InputError, NetworkIndex, Plan, source
from sourcing_engine.engine import check_order_against_network
from sourcing_engine.rules_bridge import verdict_for
from sourcing_engine.schemas import load_network, load_order

NEGATIVE = 1


@click.group("rules")
def rules() -> None:
    """Check, format and explain sourcing rules (.rules files)."""


@rules.command("check")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
def check(files: tuple[str, ...]) -> None:
    """Report every problem in the rules files; exit 1 if there is any."""
    problems: list[str] = []
    summaries: list[str] = []
    for path in files:
        name = display_name(path)
        ruleset, diagnostics = diagnose(read_text(path), name)
        if ruleset is not None and not diagnostics:
            try:
                compile_ruleset(ruleset)
            except RulesError as err:
                diagnostics = err.diagnostics
        problems.extend(str(d) for d in diagnostics)
        if ruleset is not None and not diagnostics:
            summaries.append(f'"{ruleset.name}" v{ruleset.version}: {_count(len(ruleset.rules), "rule")}')
    if problems:
        for line in problems:
            click.echo(line)
        click.echo(f"{_count(len(problems), 'problem')} in {_count(len(files), 'file')}", err=True)
        sys.exit(NEGATIVE)
    click.echo(f"ok: {_count(len(files), 'file')}, " + "; ".join(summaries))


@rules.command("fmt")
@click.argument("file", metavar="FILE")
@click.option("--check", "check_only", is_flag=True, help="Only say whether FILE is formatted (exit 1 if not).")
@click.option("--write", is_flag=True, help="Rewrite FILE in its canonical formatting.")
def fmt(file: str, check_only: bool, write: bool) -> None:
    """Print FILE in the canonical formatting."""
    if write and (check_only or file == "-"):
        fail("--write needs a file and cannot be combined with --check")
    text = read_text(file)
    try:
        formatted = format_text(text, display_name(file))
    except RulesError as err:
        for d in err.diagnostics:
            click.echo(str(d), err=True)
        sys.exit(NEGATIVE)
    if check_only:
        if formatted != text:
            click.echo(f"{display_name(file)}: not formatted (run oms rules fmt --write {file})", err=True)
            sys.exit(NEGATIVE)
        click.echo(f"{display_name(file)}: formatted")
    elif write:
        if formatted != text:
            Path(file).write_text(formatted, encoding="utf-8")
        click.echo(f"{file}: {'reformatted' if formatted != text else 'already formatted'}")
    else:
        click.echo(formatted, nl=False)


@rules.command("explain")
@click.argument("file", metavar="FILE")
@click.option("--network", "network_path", required=True, metavar="FILE", help="Network JSON.")
@click.option("--order", "order_path", required=True, metavar="FILE", help="Order JSON ('-' for stdin).")
@click.option("--strategy", type=click.Choice(list(STRATEGIES)), default="optimal", show_default=True)
def explain(file: str, network_path: str, order_path: str, strategy: str) -> None:
    """Which rules matched the order and which lines, and what each did to the plan."""
    ruleset = load_rules(file)
    index = NetworkIndex(load_document(network_path, load_network))
    order = load_document(order_path, load_order)
    try:
        check_order_against_network(order, index)
    except InputError as err:
        fail(f"{display_name(order_path)}: {err}")
    for line in explanation(ruleset, order, index, strategy):
        click.echo(line)


def load_rules(path: str, code: int = BAD_INPUT) -> CompiledRuleset:
    """The compiled rules in ``path``; on any problem print them all to stderr and exit with ``code``."""
    name = display_name(path)
    ruleset, diagnostics = diagnose(read_text(path), name)
    if ruleset is not None and not diagnostics:
        try:
            return compile_ruleset(ruleset)
        except RulesError as err:
            diagnostics = err.diagnostics
    for d in diagnostics:
        click.echo(str(d), err=True)
    sys.exit(code)


def explanation(ruleset: CompiledRuleset, order, index: NetworkIndex, strategy: str) -> list[str]:
    verdict = verdict_for(ruleset, order, index)
    plan = source(order, index, strategy, rules=ruleset)
    matched = {m.rule for m in verdict.matches}
    out = [
        f'ruleset "{ruleset.name}" version {ruleset.version}: order {order.id} '
        f"({_count(len(order.lines), 'line')}), strategy {strategy}",
        "",
    ]
    out.append("rules that matched:" if verdict.matches else "no rule matched this order")
    for match in verdict.matches:
        rule = next(r for r in ruleset.source.rules if r.name == match.rule)
        scope = "the order" if match.lines is None else "line(s) " + ", ".join(match.lines)
        out.append(f'  "{match.rule}" ({ruleset.source.file}:{rule.line}) matched {scope}')
        out.extend(f"      {effect}" for effect in match.effects)
        without = source(order, index, strategy, rules=ruleset.without({match.rule}))
        out.append(f"      without it: {_difference(plan, without)}")
    unmatched = [r.name for r in ruleset.rules if r.name not in matched]
    if unmatched:
        out.append("rules that did not match: " + ", ".join(f'"{name}"' for name in unmatched))
    if verdict.settings_from:
        shown = (
            f"{_setting(verdict.settings, name)} (from {origin})" for name, origin in verdict.settings_from.items()
        )
        out.append("settings: " + ", ".join(shown))
    out += ["", "plan with the rules:", *_describe(plan)]
    # no ruleset at all: neither its rules nor its settings block (split penalty, shipment limit...)
    out += ["plan without the ruleset (no rules, no settings):", *_describe(source(order, index, strategy))]
    return out


def _setting(settings: RuleSettings, name: str) -> str:
    value = getattr(settings, name)
    if name == "split_penalty":
        return f"split_penalty {value:.2f}"
    if name == "time_limit":
        return f"time_limit {value * 1000:g}ms"
    if name == "bundle_split_after":
        return "bundles together" if value is None else f"bundles split_after {value}"
    return f"{name} {value}"


def _describe(plan: Plan) -> list[str]:
    if plan.hold is not None:
        return [f"  on hold: {plan.hold}"]
    lines = [f"  cost {plan.total_cost:.2f}, {_count(len(plan.physical_shipments), 'shipment')}"]
    for s in plan.shipments:
        units = ", ".join(f"line {pl.line_id} x{pl.quantity}" for pl in s.lines)
        lines.append(f"  {s.source} {s.kind} to {s.destination}: {units} ({s.cost:.2f})")
    for b in plan.backorders:
        lines.append(f"  backordered: line {b.line_id} x{b.quantity}")
    for u in plan.unsourced:
        by = f" by {', '.join(u.rules)}" if u.rules else ""
        lines.append(f"  unsourced: line {u.line_id} x{u.quantity} ({u.reason}{by})")
    return lines


def _difference(plan: Plan, without: Plan) -> str:
    if _shape(plan) == _shape(without):
        return "the same plan (no effect on this order)"
    if without.hold is not None:
        return f"the order would be on hold ({without.hold})"
    if plan.hold is not None:
        shipments = _count(len(without.physical_shipments), "shipment")
        return f"the order would ship: cost {without.total_cost:.2f}, {shipments}"
    sources = ", ".join(dict.fromkeys(s.source for s in without.physical_shipments)) or "nowhere"
    text = (
        f"cost {without.total_cost:.2f} instead of {plan.total_cost:.2f}, "
        f"{_count(len(without.physical_shipments), 'shipment')} from {sources}"
    )
    if without.filled_units != plan.filled_units:
        text += f", {without.filled_units} units filled instead of {plan.filled_units}"
    return text


def _shape(plan: Plan) -> tuple:
    shipments = sorted(
        (s.source, s.kind, tuple(sorted((pl.line_id, pl.quantity) for pl in s.lines))) for s in plan.shipments
    )
    return plan.hold, tuple(shipments), tuple(sorted((u.line_id, u.reason) for u in plan.unsourced))


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
