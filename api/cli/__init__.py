"""The ``oms`` command line: one click group, one module per family of commands.

Each command's module is imported only when that command runs: the solver,
the database layer and the benchmark's plotting stack cost seconds of CPU to
import, and ``oms --help`` or ``oms rules check`` need none of them.
"""

from __future__ import annotations

import importlib

import click

# name: (module, attribute, the one-line help shown by `oms --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "appeasements": (
        "api.cli.post_sales",
        "appeasements",
        "Appeasements: goodwill refunds without a return, counted against what was paid.",
    ),
    "bench": (
        "api.cli.bench",
        "bench",
        "Compare optimal with Magento's priority and distance, a consolidating greedy and the exact optimum.",
    ),
    "db": ("api.cli.db", "db", "The OMS database named by OMS_DATABASE_URL (default: sqlite:///oms.sqlite)."),
    "demo": (
        "api.cli.demo",
        "demo",
        "Run the whole order flow on the sample network and print each order's timeline.",
    ),
    "exchanges": (
        "api.cli.post_sales",
        "exchanges",
        "Exchanges: shipped units swapped for other SKUs through a return that refunds nothing.",
    ),
    "extensions": (
        "api.cli.extensions",
        "extensions",
        "Custom actions (built-in and installed through the oms.extensions entry points), and their runs.",
    ),
    "keys": ("api.cli.keys", "keys", "API keys for the HTTP API (`oms serve`)."),
    "network": ("api.cli.network", "network", "The sourcing network: sources, products, channels, stock."),
    "orders": (
        "api.cli.orders",
        "orders",
        "Orders: intake, status, cancellation, exceptions, search, comments, holds.",
    ),
    "outbox": ("api.cli.relay", "outbox", "Events waiting for delivery, and dead letters."),
    "relay": (
        "api.cli.relay",
        "relay",
        "Deliver the outbox: e-mails over SMTP (OMS_SMTP_*) and webhooks; SIGTERM or Ctrl-C stops it cleanly.",
    ),
    "refunds": (
        "api.cli.post_sales",
        "refunds",
        "Refunds: list, release (when the channel does not release them at once), cancel.",
    ),
    "reshipments": (
        "api.cli.post_sales",
        "reshipments",
        "Reshipments: shipped units the customer never got, sent again free in a linked order.",
    ),
    "returns": (
        "api.cli.post_sales",
        "returns",
        "Returns (RMA): authorize shipped units, approve or cancel, receive with each unit's condition.",
    ),
    "requests": ("api.cli.requests", "requests", "Shipment requests: one per source and order."),
    "rules": ("api.cli.rules", "rules", "Check, format and explain sourcing rules (.rules files)."),
    "serve": ("api.cli.serve", "serve", "Serve the HTTP API (docs/api.md) on the database named by OMS_DATABASE_URL."),
    "source": (
        "api.cli.source",
        "source",
        "Print the sourcing plan of an order (or one plan per line for --orders).",
    ),
    "scheduler": (
        "api.cli.background",
        "scheduler",
        ("Run Celery beat: each batch channel's wave at its interval (restart it after changing wave settings)."),
    ),
    "stock": ("api.cli.stock", "stock", "Inventory per source, and what each channel can sell."),
    "waves": (
        "api.cli.waves",
        "waves",
        "Sourcing waves: many orders sourced together, never worse for any of them than one by one.",
    ),
    "worker": (
        "api.cli.background",
        "worker",
        ("Run a worker: waves, restock re-allocation and re-sourcing, from the queue OMS_TASK_QUEUE (default oms)."),
    ),
    "users": (
        "api.cli.users",
        "users",
        "Users of the admin pages (/admin): a password, one of the API's roles, optional channels.",
    ),
    "webhooks": ("api.cli.relay", "webhooks", "Webhook subscriptions."),
}


class LazyGroup(click.Group):
    """A group that imports a command's module when the command is asked for, not before."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module), attribute)
        self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # the listing comes from the table, so that `oms --help` imports no command
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, _short_help(COMMANDS[name][2], limit)) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _short_help(text: str, limit: int) -> str:
    return click.utils.make_default_short_help(text, limit)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="oms-sourcing")
def main() -> None:
    """Order management with an optimizing sourcing engine."""
