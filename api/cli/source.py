"""``oms source``: plan one order, or a stream of orders, against a network."""

from __future__ import annotations

import json

import click

from api.cli.inputs import fail, load_document, load_lines
from sourcing_engine import STRATEGIES, NetworkIndex, Order, source_stream
from sourcing_engine.engine import check_order_against_network
from sourcing_engine.limits import MAX_TIME_LIMIT, MAX_WAVE_ORDERS
from sourcing_engine.schemas import load_network, load_order, plan_to_dict


@click.command("source")
@click.option("--network", "network_path", required=True, metavar="FILE", help="Network JSON ('-' for stdin).")
@click.option("--order", "order_path", metavar="FILE", help="One order JSON ('-' for stdin).")
@click.option("--orders", "orders_path", metavar="FILE", help="Orders as JSON lines, sourced one after another.")
@click.option("--strategy", type=click.Choice(list(STRATEGIES)), default="optimal", show_default=True)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.001, max=MAX_TIME_LIMIT),
    callback=lambda _ctx, _param, value: _finite_seconds(value),
    default=1.0,
    show_default=True,
    help="Seconds per order.",
)
@click.option("--stats", is_flag=True, help="Add how each plan was found (path, timings).")
@click.option("--rules", "rules_path", metavar="FILE", help="Sourcing rules (.rules) to apply.")
@click.option("--wave", is_flag=True, help="Source --orders jointly in waves (fair: no order worse than one by one).")
@click.option(
    "--wave-size",
    type=click.IntRange(min=1, max=MAX_WAVE_ORDERS),
    default=200,
    show_default=True,
    help="Orders per wave, in file order.",
)
@click.option(
    "--wave-time-limit",
    type=click.FloatRange(min=0.01, max=MAX_TIME_LIMIT),
    callback=lambda _ctx, _param, value: None if value is None else _finite_seconds(value),
    default=None,
    help="Seconds per wave (default 2).",
)
def source(
    network_path: str,
    order_path: str | None,
    orders_path: str | None,
    strategy: str,
    time_limit: float,
    stats: bool,
    rules_path: str | None,
    wave: bool,
    wave_size: int,
    wave_time_limit: float | None,
) -> None:
    """Print the sourcing plan of an order (or one plan per line for --orders)."""
    if (order_path is None) == (orders_path is None):
        fail("give exactly one of --order FILE or --orders FILE")
    if network_path == "-" and "-" in (order_path, orders_path):
        fail("only one of --network and --order/--orders can read stdin")
    rules = None
    if rules_path is not None:
        from api.cli.rules import load_rules  # the rules language is imported only for --rules

        rules = load_rules(rules_path)
    index = NetworkIndex(load_document(network_path, load_network))

    def load_checked(doc: object) -> Order:
        order = load_order(doc)
        check_order_against_network(order, index)
        return order

    if order_path is not None:
        orders = [load_document(order_path, load_checked)]
    else:
        orders = load_lines(orders_path or "-", load_checked)
    if wave:
        if strategy != "optimal" or order_path is not None:
            fail("--wave sources --orders with the optimal strategy only")
        from api.cli.waves_output import print_waves  # the wave model is imported only for --wave

        print_waves(orders, index, rules, wave_size, wave_time_limit, stats)
        return
    for plan in source_stream(orders, index, strategy, time_limit=time_limit, rules=rules):
        doc = plan_to_dict(plan, with_stats=stats)
        click.echo(json.dumps(doc, indent=2) if order_path is not None else json.dumps(doc))


def _finite_seconds(value: float) -> float:
    if value != value:  # NaN passes every range check: it compares false to both bounds
        raise click.BadParameter("'nan' is not a number of seconds.")
    return value
