"""``oms source --orders FILE --wave``: plans on stdout, a summary per wave on stderr."""

from __future__ import annotations

import json

import click

from sourcing_engine import NetworkIndex, Order
from sourcing_engine.engine import consumed
from sourcing_engine.schemas import plan_to_dict
from sourcing_engine.wave import source_wave
from sourcing_engine.wave_plan import WavePlan


def print_waves(
    orders: list[Order],
    index: NetworkIndex,
    rules: object | None,
    size: int,
    time_limit: float | None,
    stats: bool,
) -> None:
    """Source consecutive waves of ``size`` orders, each against the stock the previous left."""
    for start in range(0, len(orders), size):
        wave = source_wave(orders[start : start + size], index, rules, time_limit=time_limit)
        for plan in wave.plans:
            click.echo(json.dumps(plan_to_dict(plan, with_stats=stats)))
            index.take(consumed(plan))
        click.echo(summary_line(start // size + 1, wave), err=True)


def summary_line(number: int, wave: WavePlan) -> str:
    s = wave.summary()
    w, seq = s["wave"], s["one_by_one"]
    proof = "proven optimal" if s["proven"] else f"gap {100 * s['gap']:.2f}%"
    return (
        f"wave {number}: {s['orders']} orders, {w['units']} units (one by one {seq['units']}),"
        f" cost {w['cost']:.2f} (one by one {seq['cost']:.2f}, saving {s['saving_percent']:.2f}%),"
        f" {w['shipments']} shipments (one by one {seq['shipments']}), {s['orders_worse_off']} orders worse off,"
        f" {s['joint_orders']} solved jointly in {s['groups']} group(s), {proof}, {s['ms']:.0f} ms"
    )
