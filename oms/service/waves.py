"""Sourcing waves: a channel's waiting orders sourced together by ``source_wave``, written group by group.

A wave is recorded first (its orders, in the wave's order), then planned
against the stock read once, then written one connected group per
transaction: every order of a group of competing orders is allocated in the
same transaction, so a wave is never half-applied within a group, and a
conflict with concurrent sourcing re-plans that group against fresh stock
(``transact`` retries it, holding row locks on PostgreSQL).  Each order's row
in ``wave_orders`` is marked applied in the transaction that allocates it:
a wave interrupted by a crash resumes (same key) with the orders it had not
written yet, and no order is ever sourced twice.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from oms.adapters.waves import WaveRepository, money
from oms.domain.allocation import apply_plan
from oms.domain.waves import MAX_WAVE_SIZE, WaveSettings, wave_order
from oms.errors import NotFound
from oms.service.app import Oms, transact
from oms.service.unit_of_work import UnitOfWork
from oms.service.wave_inputs import WaveInputs, wave_inputs
from sourcing_engine import Plan, WavePlan, source_wave
from sourcing_engine.schemas import plan_to_dict

# Orders that compete for nothing are written in batches of this many per transaction
# (OMS_WAVE_WRITE_BATCH): larger batches mean fewer commits, smaller ones shorter locks.
INDEPENDENT_BATCH = max(1, int(os.environ.get("OMS_WAVE_WRITE_BATCH", "50")))


@dataclass(slots=True)
class WaveRun:
    channel: str
    status: str  # done | empty (nothing waiting) | busy (another worker runs this channel's wave)
    wave_id: int | None = None
    orders: int = 0
    sourced: int = 0  # orders that got units allocated or cancelled
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Planned:
    wave: WavePlan
    ids: dict[str, int]  # order number -> internal id
    lines: dict[str, tuple]  # order number -> the waiting lines the plan was made for

    def units(self) -> list[list[str]]:
        """Write units: each joint group whole; the independent orders in batches, in the wave's order."""
        joint = [group.orders for group in self.wave.stats.groups]
        grouped = {n for group in joint for n in group}
        alone = [p.order_id for p in self.wave.plans if p.order_id not in grouped]
        return joint + [alone[i : i + INDEPENDENT_BATCH] for i in range(0, len(alone), INDEPENDENT_BATCH)]


def run_wave(
    app: Oms,
    channel: str,
    *,
    kind: str = "channel",
    key: str | None = None,
    skus: set[str] | None = None,
    actor: str = "waves",
    time_limit: float | None = None,
) -> WaveRun:
    """Source ``channel``'s waiting orders as one wave (``kind="restock"``: only backorders for ``skus``)."""
    with channel_lock(app, channel) as held:
        if not held:
            return WaveRun(channel, "busy")
        started = time.perf_counter()
        include_new = kind == "channel"
        opened = transact(app, lambda uow: _open(uow, channel, kind, key, skus, actor, include_new))
        if opened is None:
            return WaveRun(channel, "empty")
        wave_id, ids, done = opened
        if done:
            return transact(app, lambda uow: _finished_run(uow, wave_id), readonly=True)
        planned = transact(app, lambda uow: _plan(app, uow, channel, ids, include_new, time_limit), readonly=True)
        sourced = 0
        for unit in planned.units():
            sourced += transact(
                app,
                lambda uow, unit=unit: _write(app, uow, wave_id, channel, unit, planned, include_new, actor),
            )
        ms = (time.perf_counter() - started) * 1000
        transact(app, lambda uow: _finish(uow, wave_id, planned.wave, ms))
        return WaveRun(channel, "done", wave_id, len(ids), sourced, planned.wave.summary())


def reallocate_after_restock(app: Oms, skus: set[str], actor: str = "sourcing", key: str | None = None) -> int:
    """Stock arrived for ``skus``: each channel's backorders for them are sourced as one wave.

    ``key`` (a task id) makes it idempotent: each channel's wave is recorded
    under ``key:channel`` and resumed, not repeated, when run again.
    """
    channels = transact(app, lambda uow: WaveRepository(uow.session).channels_waiting(skus, False), readonly=True)
    runs = [
        run_wave(app, c, kind="restock", skus=skus, actor=actor, key=f"{key}:{c}" if key else None) for c in channels
    ]
    return sum(r.sourced for r in runs)


def batch_channels(app: Oms) -> dict[str, WaveSettings]:
    """Every batch channel with its wave settings (the defaults where none were given)."""

    def read(uow: UnitOfWork) -> dict[str, WaveSettings]:
        stored = WaveRepository(uow.session).settings()
        channels = uow.catalog.snapshot().channels.values()
        return {c.code: stored.get(c.code, WaveSettings()) for c in channels if c.sourcing_mode == "batch"}

    return transact(app, read, readonly=True)


@contextmanager
def channel_lock(app: Oms, channel: str) -> Iterator[bool]:
    """One wave per channel at a time across workers: a PostgreSQL advisory lock held for the wave.

    The lock belongs to a connection: a worker that dies drops its connection
    and PostgreSQL releases the lock.  SQLite (one machine) serialises writers
    itself and needs none.
    """
    if app.db.is_sqlite:
        yield True
        return
    name = f"oms-wave:{channel}"
    with app.db.engine.connect() as conn:
        held = bool(conn.execute(text("SELECT pg_try_advisory_lock(hashtext(:n))"), {"n": name}).scalar())
        conn.commit()
        try:
            yield held
        finally:
            if held:
                conn.execute(text("SELECT pg_advisory_unlock(hashtext(:n))"), {"n": name})
                conn.commit()


def _open(
    uow: UnitOfWork, channel: str, kind: str, key: str | None, skus: set[str] | None, actor: str, include_new: bool
) -> tuple[int, list[int], bool] | None:
    """The wave to run: the one recorded under ``key`` (resumed), or a new one of the waiting orders."""
    repo = WaveRepository(uow.session)
    if key is not None:
        found = repo.by_key(key)
        if found is not None:
            return found.id, repo.pending(found.id), found.status == "done"
    if channel not in uow.catalog.snapshot().channels:
        raise NotFound(f"no channel {channel!r}")
    settings = repo.settings().get(channel, WaveSettings())
    candidates = repo.waiting(channel, skus, include_new)
    if not candidates:
        return None
    size = settings.max_size if kind == "channel" else MAX_WAVE_SIZE
    ids = wave_order(candidates, settings.sort)[:size]
    wave_id = repo.start(channel, kind, key, actor, uow.now, ids)
    uow.commit()
    return wave_id, ids, False


def _plan(
    app: Oms, uow: UnitOfWork, channel: str, ids: list[int], include_new: bool, time_limit: float | None
) -> Planned:
    by_id = {o.id: o for o in uow.orders.get_many(ids)}
    inputs = wave_inputs(app, uow, channel, [by_id[i] for i in ids], include_new)
    wave = _source(inputs, time_limit)
    return Planned(
        wave=wave,
        ids={o.number: o.id for o in inputs.orders},  # type: ignore[misc]
        lines={e.id: _lines(e) for e in inputs.engine_orders},
    )


def _source(inputs: WaveInputs, time_limit: float | None) -> WavePlan:
    return source_wave(
        inputs.engine_orders,
        inputs.index,
        directives=inputs.directives,
        attempts=inputs.attempts,
        time_limit=time_limit,
    )


def _lines(engine_order: Any) -> tuple:
    return tuple((line.id, line.sku, line.quantity) for line in engine_order.lines)


def _write(
    app: Oms,
    uow: UnitOfWork,
    wave_id: int,
    channel: str,
    unit: list[str],
    planned: Planned,
    include_new: bool,
    actor: str,
) -> int:
    """Allocate one write unit in this transaction, re-planned against fresh stock if anything moved."""
    ids = sorted(planned.ids[n] for n in unit)  # locked in id order: no deadlock between workers
    orders = uow.orders.get_many(ids, lock=True)
    inputs = wave_inputs(app, uow, channel, orders, include_new)
    stale = uow.pessimistic or any(_lines(e) != planned.lines.get(e.id) for e in inputs.engine_orders)
    wave = _source(inputs, None) if stale and inputs.engine_orders else planned.wave
    plans = {p.order_id: p for p in wave.plans}
    sequential = {p.order_id: p for p in wave.sequential}
    repo = WaveRepository(uow.session)
    sourced = 0
    for order in inputs.orders:
        ctx = uow.context(actor)
        plan = plans[order.number]
        outcome = apply_plan(order, plan, inputs.parts[order.number], inputs.unmanaged, ctx)
        order.moves.extend(outcome.moves)
        order.refresh_status(ctx)
        sourced += bool(outcome.allocated or outcome.cancelled)
        seq = sequential[order.number]
        figures = _figures(plan, seq) | {"applied_at": uow.now, "note": _timeline_note(wave_id, plan, seq, len(unit))}
        repo.record_order(wave_id, order.id, figures)  # type: ignore[arg-type]
    handled = {o.number for o in inputs.orders}
    for order in orders:  # no longer waiting (sourced or cancelled meanwhile): nothing to do, but not pending
        if order.number not in handled:
            repo.record_order(wave_id, order.id, {"applied_at": uow.now, "note": "no longer waiting"})  # type: ignore[arg-type]
    uow.commit()
    return sourced


def _figures(plan: Plan, seq: Plan) -> dict[str, Any]:
    return {
        "filled": plan.filled_units,
        "one_by_one_filled": seq.filled_units,
        "cost": money(plan.total_cost),
        "one_by_one_cost": money(seq.total_cost),
        "plan": plan_to_dict(plan),
    }


def _timeline_note(wave_id: int, plan: Plan, seq: Plan, size: int) -> str:
    more = plan.filled_units - seq.filled_units
    saving = seq.objective - plan.objective
    if more:
        gain = f"{more} more unit(s) than one by one"
    elif saving > 0.005:
        gain = f"{saving:.2f} cheaper than one by one"
    else:
        gain = "the same plan as one by one"
    joint = f" jointly with {size - 1} other order(s)" if size > 1 else ""
    return f"sourced in wave {wave_id}{joint}: {plan.filled_units} unit(s), {gain}"


def _finish(uow: UnitOfWork, wave_id: int, wave: WavePlan, ms: float) -> None:
    s = wave.summary()
    repo = WaveRepository(uow.session)
    for order_id in repo.pending(wave_id):  # sourced or cancelled elsewhere before the wave planned them
        repo.record_order(wave_id, order_id, {"applied_at": uow.now, "note": "no longer waiting"})
    done = repo.get(wave_id)
    assert done is not None
    rows = [r for r in done[1] if r.applied and r.filled is not None]
    repo.finish(
        wave_id,
        {
            "finished_at": uow.now,
            "units": sum(r.filled for r in rows),
            "one_by_one_units": sum(r.one_by_one_filled for r in rows),
            "cost": sum((r.cost for r in rows), money(0)),
            "one_by_one_cost": sum((r.one_by_one_cost for r in rows), money(0)),
            "shipments": s["wave"]["shipments"],
            "one_by_one_shipments": s["one_by_one"]["shipments"],
            "groups": s["groups"],
            "proven": s["proven"],
            "gap": s["gap"],
            "duration_ms": round(ms, 1),
        },
    )
    uow.commit()


def _finished_run(uow: UnitOfWork, wave_id: int) -> WaveRun:
    found = WaveRepository(uow.session).get(wave_id)
    assert found is not None
    wave, rows = found
    return WaveRun(wave.channel, "done", wave.id, wave.orders, sum(1 for r in rows if r.applied))
