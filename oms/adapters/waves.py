"""The waves repository: channel settings, waves and the orders each one sourced."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from oms.adapters import tables as t
from oms.adapters.wave_tables import channel_waves, wave_orders, waves
from oms.domain.statuses import WAITING_REASONS, LineStatus
from oms.domain.waves import WaveSettings

SIX_PLACES = Decimal("0.000001")


def money(value: float) -> Decimal:
    return Decimal(repr(round(value, 6))).quantize(SIX_PLACES)


class WaveRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- settings ---------------------------------------------------------------------------------------

    def settings(self) -> dict[str, WaveSettings]:
        rows = self.session.execute(select(channel_waves))
        return {r.channel: WaveSettings(r.interval_seconds, r.max_size, r.sort) for r in rows}

    def put_settings(self, channel: str, settings: WaveSettings | None) -> None:
        self.session.execute(delete(channel_waves).where(channel_waves.c.channel == channel))
        if settings is not None:
            self.session.execute(insert(channel_waves).values(channel=channel, **settings.as_dict()))

    # -- which orders -----------------------------------------------------------------------------------

    def waiting(self, channel: str, skus: set[str] | None, new: bool) -> list[tuple[int, datetime, dict]]:
        """``(id, placed_at, attributes)`` of the channel's orders never sourced (``new``), or else with
        units waiting for stock again (for ``skus``)."""
        p, o = t.line_parts.c, t.orders.c
        if new:
            waiting = and_(p.status == LineStatus.NEW, p.reason == "INITIALORDER")
        else:
            reasons = set(WAITING_REASONS) - {"INITIALORDER"}
            waiting = or_(p.status == LineStatus.RESOURCED, and_(p.status == LineStatus.NEW, p.reason.in_(reasons)))
        ids = select(p.order_id).where(waiting)
        if skus is not None:
            ids = ids.where(p.sku.in_(sorted(skus)))
        stmt = (
            select(o.id, o.placed_at, o.attributes)
            .where(o.channel == channel, o.status.notin_(["ONHOLD", "ERROR"]), o.id.in_(ids))
            .order_by(o.placed_at, o.id)
        )
        return [(r.id, r.placed_at, r.attributes) for r in self.session.execute(stmt)]

    def channels_waiting(self, skus: set[str] | None, include_new: bool) -> list[str]:
        p, o = t.line_parts.c, t.orders.c
        reasons = set(WAITING_REASONS) if include_new else set(WAITING_REASONS) - {"INITIALORDER"}
        waiting = or_(p.status == LineStatus.RESOURCED, and_(p.status == LineStatus.NEW, p.reason.in_(reasons)))
        stmt = select(o.channel).join(t.line_parts, p.order_id == o.id).where(waiting).distinct().order_by(o.channel)
        if skus is not None:
            stmt = stmt.where(p.sku.in_(sorted(skus)))
        return list(self.session.scalars(stmt))

    # -- waves --------------------------------------------------------------------------------------------

    def by_key(self, key: str) -> Any:
        return self.session.execute(select(waves).where(waves.c.key == key)).first()

    def start(self, channel: str, kind: str, key: str | None, actor: str, now: datetime, ids: list[int]) -> int:
        wave_id = self.session.execute(
            insert(waves)
            .values(channel=channel, kind=kind, key=key, status="running", actor=actor, started_at=now, orders=len(ids))
            .returning(waves.c.id)
        ).scalar_one()
        if ids:
            rows = [{"wave_id": wave_id, "order_id": i, "position": n, "applied": False} for n, i in enumerate(ids)]
            self.session.execute(insert(wave_orders), rows)
        return wave_id

    def pending(self, wave_id: int) -> list[int]:
        c = wave_orders.c
        stmt = select(c.order_id).where(c.wave_id == wave_id, c.applied.is_(False)).order_by(c.position)
        return list(self.session.scalars(stmt))

    def record_order(self, wave_id: int, order_id: int, figures: dict[str, Any]) -> None:
        c = wave_orders.c
        self.session.execute(
            update(wave_orders).where(c.wave_id == wave_id, c.order_id == order_id).values(applied=True, **figures)
        )

    def finish(self, wave_id: int, figures: dict[str, Any]) -> None:
        self.session.execute(update(waves).where(waves.c.id == wave_id).values(status="done", **figures))

    def get(self, wave_id: int) -> tuple[Any, list[Any]] | None:
        wave = self.session.execute(select(waves).where(waves.c.id == wave_id)).first()
        if wave is None:
            return None
        c = wave_orders.c
        rows = self.session.execute(
            select(wave_orders, t.orders.c.number)
            .join(t.orders, t.orders.c.id == c.order_id)
            .where(c.wave_id == wave_id)
            .order_by(c.position)
        )
        return wave, list(rows)

    def recent(self, channel: str | None, limit: int) -> list[Any]:
        stmt = select(waves).order_by(waves.c.id.desc()).limit(limit)
        if channel is not None:
            stmt = stmt.where(waves.c.channel == channel)
        return list(self.session.execute(stmt))

    def of_order(self, order_id: int) -> list[Any]:
        c = wave_orders.c
        stmt = (
            select(c.wave_id, c.filled, c.note, c.applied_at, waves.c.kind, waves.c.actor)
            .join(waves, waves.c.id == c.wave_id)
            .where(c.order_id == order_id, c.applied.is_(True))
            .order_by(c.applied_at)
        )
        return list(self.session.execute(stmt))
