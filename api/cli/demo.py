"""``oms demo``: the engine on the bundled sample network and orders."""

from __future__ import annotations

import click

from api.cli.show import print_plan
from api.samples import sample_network, sample_orders
from sourcing_engine import NetworkIndex, source
from sourcing_engine.engine import consumed


@click.command("demo")
@click.option("--compare/--no-compare", default=True, show_default=True, help="Also show Magento's greedy plans' cost.")
def demo(compare: bool) -> None:
    """Source the sample orders against the sample network and summarise each plan."""
    index = NetworkIndex(sample_network())
    for order in sample_orders():
        plan = source(order, index)
        rivals = {name: source(order, index, name) for name in ("priority", "distance")} if compare else {}
        print_plan(order, plan, rivals)
        index.take(consumed(plan))
