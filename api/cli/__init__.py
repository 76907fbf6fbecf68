"""The ``oms`` command line: one click group, one module per family of commands."""

from __future__ import annotations

import click

from api.cli.background import scheduler, worker
from api.cli.bench import bench
from api.cli.db import db
from api.cli.demo import demo
from api.cli.network import network
from api.cli.orders import orders
from api.cli.requests import requests
from api.cli.rules import rules
from api.cli.source import source
from api.cli.stock import stock
from api.cli.waves import waves


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="oms-sourcing")
def main() -> None:
    """Order management with an optimizing sourcing engine."""


main.add_command(source)
main.add_command(demo)
main.add_command(bench)
main.add_command(rules)
main.add_command(db)
main.add_command(network)
main.add_command(orders)
main.add_command(stock)
main.add_command(requests)
main.add_command(waves)
main.add_command(worker)
main.add_command(scheduler)
