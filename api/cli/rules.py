"""``oms rules``: check, format and explain sourcing rules files.

Exit codes: 0 done, 1 a negative answer (invalid rules, a file not
formatted), 2 bad input or usage (an unreadable file, a malformed order).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from api.cli.backend import emit, json_option
from api.cli.inputs import BAD_INPUT, display_name, fail, load_document, read_text
from oms.errors import InvalidInput
from oms.service import rules_text
from oms.service.rules_text import check_rules, count
from rules_dsl import CompiledRuleset
from sourcing_engine import STRATEGIES, InputError, NetworkIndex, Plan
from sourcing_engine.engine import check_order_against_network
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
        checked = check_rules(read_text(path), display_name(path))
        problems.extend(str(d) for d in checked.diagnostics)
        if checked.ruleset is not None:
            rs = checked.ruleset
            summaries.append(f'"{rs.name}" v{rs.version}: {count(len(rs.rules), "rule")}')
    if problems:
        for line in problems:
            click.echo(line)
        click.echo(f"{count(len(problems), 'problem')} in {count(len(files), 'file')}", err=True)
        sys.exit(NEGATIVE)
    click.echo(f"ok: {count(len(files), 'file')}, " + "; ".join(summaries))


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
        formatted = rules_text.formatted(text, file=display_name(file))
    except InvalidInput as err:
        for e in err.errors:
            click.echo(e.message, err=True)
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
@json_option
def explain(file: str, network_path: str, order_path: str, strategy: str, as_json: bool) -> None:
    """Which rules matched the order and which lines, and what each did to the plan."""
    ruleset = load_rules(file)
    index = NetworkIndex(load_document(network_path, load_network))
    order = load_document(order_path, load_order)
    try:
        check_order_against_network(order, index)
    except InputError as err:
        fail(f"{display_name(order_path)}: {err}")
    explained = rules_text.explain(ruleset, order, index, strategy)
    if as_json:
        emit(explained.to_dict())
        return
    for line in explanation(explained):
        click.echo(line)


def load_rules(path: str, code: int = BAD_INPUT) -> CompiledRuleset:
    """The compiled rules in ``path``; on any problem print them all to stderr and exit with ``code``."""
    checked = check_rules(read_text(path), display_name(path))
    if checked.ruleset is not None:
        return checked.ruleset
    for d in checked.diagnostics:
        click.echo(str(d), err=True)
    sys.exit(code)


def explanation(e: rules_text.Explanation) -> list[str]:
    out = [
        f'ruleset "{e.ruleset.name}" version {e.ruleset.version}: order {e.order.id} '
        f"({count(len(e.order.lines), 'line')}), strategy {e.strategy}",
        "",
    ]
    out.append("rules that matched:" if e.matched else "no rule matched this order")
    for m in e.matched:
        out.append(f'  "{m.rule}" ({e.ruleset.source.file}:{m.line}) matched {m.scope()}')
        out.extend(f"      {effect}" for effect in m.effects)
        out.append(f"      without it: {rules_text.difference(e.plan, m.without_it)}")
    if e.unmatched:
        out.append("rules that did not match: " + ", ".join(f'"{name}"' for name in e.unmatched))
    if e.settings:
        out.append("settings: " + ", ".join(f"{value} (from {origin})" for _, value, origin in e.settings))
    out += ["", "plan with the rules:", *_describe(e.plan)]
    # no ruleset at all: neither its rules nor its settings block (split penalty, shipment limit...)
    out += ["plan without the ruleset (no rules, no settings):", *_describe(e.without_rules)]
    return out


def _describe(plan: Plan) -> list[str]:
    if plan.hold is not None:
        return [f"  on hold: {plan.hold}"]
    lines = [f"  cost {plan.total_cost:.2f}, {count(len(plan.physical_shipments), 'shipment')}"]
    for s in plan.shipments:
        units = ", ".join(f"line {pl.line_id} x{pl.quantity}" for pl in s.lines)
        lines.append(f"  {s.source} {s.kind} to {s.destination}: {units} ({s.cost:.2f})")
    for b in plan.backorders:
        lines.append(f"  backordered: line {b.line_id} x{b.quantity}")
    for u in plan.unsourced:
        by = f" by {', '.join(u.rules)}" if u.rules else ""
        lines.append(f"  unsourced: line {u.line_id} x{u.quantity} ({u.reason}{by})")
    return lines
