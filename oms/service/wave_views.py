"""Read models of waves: one wave with its orders and plans, and the recent waves."""

from __future__ import annotations

from typing import Any

from oms.adapters.waves import WaveRepository
from oms.errors import NotFound
from oms.service.app import Oms, transact
from oms.service.unit_of_work import UnitOfWork


def wave_view(app: Oms, wave_id: int) -> dict[str, Any]:
    def read(uow: UnitOfWork) -> dict[str, Any]:
        found = WaveRepository(uow.session).get(wave_id)
        if found is None:
            raise NotFound(f"no wave {wave_id}")
        wave, rows = found
        return {
            **_wave(wave),
            "orders": [
                {
                    "order_id": r.number,
                    "position": r.position,
                    "applied": r.applied,
                    "filled": r.filled,
                    "one_by_one_filled": r.one_by_one_filled,
                    "cost": _money(r.cost),
                    "one_by_one_cost": _money(r.one_by_one_cost),
                    "plan": r.plan,
                }
                for r in rows
            ],
        }

    return transact(app, read, readonly=True)


def waves_view(app: Oms, channel: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    return transact(app, lambda uow: [_wave(w) for w in WaveRepository(uow.session).recent(channel, limit)], True)


def _wave(w: Any) -> dict[str, Any]:
    saving = None
    if w.cost is not None and w.one_by_one_cost is not None:
        saving = str(w.one_by_one_cost - w.cost)
    return {
        "id": w.id,
        "channel": w.channel,
        "kind": w.kind,
        "status": w.status,
        "actor": w.actor,
        "key": w.key,
        "started_at": w.started_at.isoformat(),
        "finished_at": w.finished_at.isoformat() if w.finished_at else None,
        "orders": w.orders,
        "units": w.units,
        "one_by_one_units": w.one_by_one_units,
        "cost": _money(w.cost),
        "one_by_one_cost": _money(w.one_by_one_cost),
        "saving": saving,
        "shipments": w.shipments,
        "one_by_one_shipments": w.one_by_one_shipments,
        "groups": w.groups,
        "proven": w.proven,
        "gap": w.gap,
        "duration_ms": w.duration_ms,
    }


def _money(value: Any) -> str | None:
    return None if value is None else str(value)


def wave_timeline(uow: UnitOfWork, order_id: int) -> list[dict[str, Any]]:
    """The waves that sourced this order, as entries of its timeline."""
    return [
        {
            "at": r.applied_at.isoformat(),
            "entity": "wave",
            "id": str(r.wave_id),
            "quantity": r.filled,
            "from": None,
            "to": "SOURCED",
            "reason": r.kind,
            "actor": r.actor,
            "note": r.note,
        }
        for r in WaveRepository(uow.session).of_order(order_id)
    ]


def with_waves(history: list[dict[str, Any]], waves: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Status history and wave entries in time order (ties: history first, as recorded)."""
    if not waves:
        return history
    tagged = [(e["at"] or "", 0, i, e) for i, e in enumerate(history)] + [
        (e["at"], 1, i, e) for i, e in enumerate(waves)
    ]
    return [e for *_, e in sorted(tagged, key=lambda x: x[:3])]
