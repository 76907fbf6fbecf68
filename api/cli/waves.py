"""``oms waves``: source batch channels' waiting orders together, and look at past waves."""

from __future__ import annotations

import json

import click

from api.cli.backend import emit, json_option, open_oms, reported
from api.cli.inputs import fail
from oms.service.wave_views import wave_view, waves_view
from oms.service.waves import WaveRun, batch_channels, run_wave


@click.group("waves")
def waves() -> None:
    """Sourcing waves: many orders sourced together, never worse for any of them than one by one."""


@waves.command("run")
@click.option("--channel", default=None, help="One channel (default: every batch channel).")
@click.option("--time-limit", type=click.FloatRange(min=0.01, max=600), default=None, help="Seconds of joint solving.")
@json_option
def run(channel: str | None, time_limit: float | None, as_json: bool) -> None:
    """Source the waiting orders of a channel (or of every batch channel) as one wave each."""
    app = open_oms()
    with reported():
        channels = [channel] if channel is not None else sorted(batch_channels(app))
        if not channels:
            fail('no batch channel: give --channel, or load channels with "sourcing_mode": "batch"')
        runs = [run_wave(app, code, actor="cli", time_limit=time_limit) for code in channels]
    for done in runs:
        click.echo(json.dumps(_run_doc(done)) if as_json else _run_line(done))


@waves.command("show")
@click.argument("wave_id", type=click.IntRange(min=1, max=2**31 - 1))
@json_option
def show(wave_id: int, as_json: bool) -> None:
    """A wave: its figures against one-by-one sourcing, and every order's plan."""
    app = open_oms()
    with reported():
        doc = wave_view(app, wave_id)
    if as_json:
        emit(doc)
        return
    click.echo(_summary(doc))
    for o in doc["orders"]:
        if not o["applied"]:
            click.echo(f"  {o['order_id']}: not written yet")
            continue
        if o["plan"] is None:
            click.echo(f"  {o['order_id']}: no longer waiting when the wave wrote it")
            continue
        sources = ", ".join(
            f"{s['source']} ({sum(ln['quantity'] for ln in s['lines'])})" for s in o["plan"]["shipments"]
        )
        click.echo(
            f"  {o['order_id']}: {o['filled']} unit(s) (one by one {o['one_by_one_filled']}),"
            f" cost {o['cost']} (one by one {o['one_by_one_cost']}): {sources or 'nothing shipped'}"
        )


@waves.command("list")
@click.option("--channel", default=None)
@click.option("--limit", type=click.IntRange(min=1, max=1000), default=20, show_default=True)
@json_option
def list_(channel: str | None, limit: int, as_json: bool) -> None:
    """The most recent waves."""
    app = open_oms()
    with reported():
        docs = waves_view(app, channel, limit)
    if as_json:
        emit(docs)
        return
    for doc in docs:
        click.echo(_summary(doc))


def _run_doc(done: WaveRun) -> dict:
    return {
        "channel": done.channel,
        "status": done.status,
        "wave_id": done.wave_id,
        "orders": done.orders,
        "sourced": done.sourced,
        "summary": done.summary,
    }


def _run_line(done: WaveRun) -> str:
    if done.status == "empty":
        return f"{done.channel}: no orders waiting"
    if done.status == "busy":
        return f"{done.channel}: a wave of this channel is running elsewhere"
    s = done.summary
    if not s:
        return f"{done.channel}: wave {done.wave_id} already done"
    w, seq = s["wave"], s["one_by_one"]
    proof = "proven optimal" if s["proven"] else f"gap {100 * s['gap']:.2f}%"
    return (
        f"{done.channel}: wave {done.wave_id}: {done.orders} orders, {w['units']} units (one by one {seq['units']}),"
        f" cost {w['cost']:.2f} (one by one {seq['cost']:.2f}), {w['shipments']} shipments"
        f" (one by one {seq['shipments']}), {s['orders_worse_off']} orders worse off, {proof}, {s['ms']:.0f} ms"
    )


def _summary(doc: dict) -> str:
    if doc["status"] != "done":
        return f"wave {doc['id']} ({doc['channel']}, {doc['kind']}): {doc['status']} since {doc['started_at']}"
    proof = "proven optimal" if doc["proven"] else f"gap {100 * (doc['gap'] or 0):.2f}%"
    return (
        f"wave {doc['id']} ({doc['channel']}, {doc['kind']}, by {doc['actor']} at {doc['started_at']}):"
        f" {doc['orders']} orders, {doc['units']} units (one by one {doc['one_by_one_units']}),"
        f" cost {doc['cost']} (one by one {doc['one_by_one_cost']}, saving {doc['saving']}),"
        f" {doc['shipments']} shipments (one by one {doc['one_by_one_shipments']}),"
        f" {proof}, {doc['duration_ms']:.0f} ms"
    )
