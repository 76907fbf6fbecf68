"""The canonical layout of a ruleset (``oms rules fmt``).

One clause per line, two-space indents, a blank line between blocks, the
fewest parentheses that keep the meaning.  Comments are kept: a comment on
its own line stays above the clause that follows it, a trailing comment stays
at the end of its clause's line.
"""

from __future__ import annotations

from rules_dsl import syntax as ast
from rules_dsl.literals import literal_text, quote

INDENT = "  "
_PRECEDENCE = {ast.Or: 1, ast.And: 2, ast.Not: 3}  # anything else binds tightest


def format_ruleset(ruleset: ast.Ruleset) -> str:
    out = _Printer(ruleset.comments)
    out.clause(ruleset.line, f"ruleset {quote(ruleset.name)} version {ruleset.version}")
    if ruleset.settings:
        out.blank()
        out.clause(ruleset.settings_line, "settings", own_line_only=True)
        for setting in ruleset.settings:
            out.clause(setting.line, INDENT + format_setting(setting))
    for rule in ruleset.rules:
        out.blank()
        head = f"rule {quote(rule.name)}"
        if rule.priority is not None:
            head += f" priority {rule.priority}"
        out.clause(rule.line, head)
        if rule.when is not None:
            out.clause(rule.when.line, f"{INDENT}when {format_expr(rule.when)}")
        for action in rule.actions:
            out.clause(action.line, INDENT + format_action(action))
    out.rest()
    return out.text()


def format_setting(setting: ast.Setting) -> str:
    return f"{setting.name} {format_value(setting.value)}"


def format_value(value: ast.SettingValue) -> str:
    if isinstance(value, ast.Word):
        return value.word if value.arg is None else f"{value.word} {literal_text(value.arg)}"
    return literal_text(value)


def format_action(action: ast.Action) -> str:
    if isinstance(action, ast.SourceAction):
        text = f"{action.verb} source where {format_expr(action.where)}"
        if action.amount is not None:
            text += f" by {literal_text(action.amount)} per {action.per}"
        return text
    if isinstance(action, ast.SetAction):
        return f"set {format_setting(action.setting)}"
    if isinstance(action, ast.HoldAction):
        return f"hold order reason {quote(action.reason)}"
    return f"backorder {action.mode}"


def format_expr(expr: ast.Expr) -> str:
    if isinstance(expr, ast.Or | ast.And):
        word = " or " if isinstance(expr, ast.Or) else " and "
        return word.join(_child(item, expr) for item in expr.items)
    if isinstance(expr, ast.Not):
        return "not " + _child(expr.expr, expr)
    if isinstance(expr, ast.Compare):
        return f"{format_operand(expr.left)} {expr.op} {format_operand(expr.right)}"
    if isinstance(expr, ast.Member):
        word = " not in " if expr.negated else " in "
        return format_operand(expr.item) + word + format_container(expr.container)
    if isinstance(expr, ast.Matches):
        word = " not matches " if expr.negated else " matches "
        return format_operand(expr.subject) + word + literal_text(expr.pattern)
    return format_operand(expr.operand)


def _child(child: ast.Expr, parent: ast.Expr) -> str:
    text = format_expr(child)
    inner, outer = _PRECEDENCE.get(type(child), 4), _PRECEDENCE[type(parent)]
    # `not not x` needs no parentheses; an and inside an and does (the parser flattens chains)
    needs = inner < outer if isinstance(parent, ast.Not) else inner <= outer
    return f"({text})" if needs else text


def format_operand(operand: ast.Operand) -> str:
    return operand.name if isinstance(operand, ast.FieldRef) else literal_text(operand)


def format_container(container: ast.ListLiteral | ast.FieldRef) -> str:
    if isinstance(container, ast.FieldRef):
        return container.name
    return "[" + ", ".join(literal_text(item) for item in container.items) + "]"


class _Printer:
    """Lines of output, with the source's comments placed by the line they were on."""

    def __init__(self, comments: tuple[ast.Comment, ...]) -> None:
        self.lines: list[str] = []
        self.pending = sorted(comments, key=lambda c: (c.line, c.column))

    def blank(self) -> None:
        self.lines.append("")

    def clause(self, line: int, text: str, own_line_only: bool = False) -> None:
        indent = text[: len(text) - len(text.lstrip())]
        while self.pending and line and self.pending[0].line < line:
            comment = self.pending.pop(0)
            self.lines.append(f"{indent}#{comment.text}".rstrip())
        trailing = [c for c in self.pending if c.line == line and c.trailing and not own_line_only]
        for comment in trailing:
            self.pending.remove(comment)
        suffix = "".join(f"  #{c.text}".rstrip() for c in trailing)
        self.lines.append(text + suffix)

    def rest(self) -> None:
        for comment in self.pending:
            self.lines.append(f"#{comment.text}".rstrip())

    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n") + "\n"
