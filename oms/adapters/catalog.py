"""The catalog repository: channels, sources, products and rulesets, cached per process by version."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from oms.adapters import tables as t
from oms.domain.catalog import CatalogProduct, CatalogSnapshot, Channel
from oms.domain.post_sales import PostSalesSettings
from sourcing_engine.model import Costs, Location, Source

_VERSION = select(t.catalog_state.c.version).where(t.catalog_state.c.id == 1)


class CatalogRepository:
    def __init__(self, session: Session, cache: dict[str, Any]) -> None:
        self.session = session
        self.cache = cache
        self._snapshot: CatalogSnapshot | None = None  # checked once per transaction

    def version(self) -> int:
        return int(self.session.execute(_VERSION).scalar() or 0)

    def snapshot(self) -> CatalogSnapshot:
        if self._snapshot is None:
            self._snapshot = self._current()
        return self._snapshot

    def _current(self) -> CatalogSnapshot:
        version = self.version()
        cached = self.cache.get("catalog")
        if isinstance(cached, CatalogSnapshot) and cached.version == version:
            return cached
        snapshot = CatalogSnapshot(version, self.sources(), self._channels())
        self.cache["catalog"] = snapshot
        return snapshot

    def products(self, snapshot: CatalogSnapshot, skus: Iterable[str]) -> dict[str, CatalogProduct]:
        """Known products among ``skus`` (unknown SKUs are physical, managed, not backorderable)."""
        missing = sorted({sku for sku in skus if sku not in snapshot.products})
        if missing:
            found = {
                row.sku: _product(row)
                for row in self.session.execute(select(t.products).where(t.products.c.sku.in_(missing)))
            }
            for sku in missing:
                snapshot.products[sku] = found.get(sku)
        return {sku: p for sku in skus if (p := snapshot.products.get(sku)) is not None}

    def bump(self) -> None:
        self._snapshot = None
        self.session.execute(
            update(t.catalog_state).where(t.catalog_state.c.id == 1).values(version=t.catalog_state.c.version + 1)
        )

    # -- writing (network load) ----------------------------------------------------------------------

    def upsert(self, table: t.Table, key: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        column = table.c[key]
        existing = set(self.session.scalars(select(column).where(column.in_([r[key] for r in rows]))))
        new = [r for r in rows if r[key] not in existing]
        if new:
            self.session.execute(insert(table), new)
        for row in rows:
            if row[key] in existing:
                self.session.execute(update(table).where(column == row[key]).values(**row))

    def link_sources(self, channel: str, links: list[tuple[str, int]]) -> None:
        self.session.execute(delete(t.channel_sources).where(t.channel_sources.c.channel == channel))
        if links:
            self.session.execute(
                insert(t.channel_sources), [{"channel": channel, "source": code, "priority": p} for code, p in links]
            )

    def row(self, table: t.Table, key: str, value: str, lock: bool = False) -> Any:
        """One catalog row by its key (``None`` if absent), locked for update when ``lock`` (PostgreSQL)."""
        query = select(table).where(table.c[key] == value)
        return self.session.execute(query.with_for_update() if lock else query).first()

    def page(self, table: t.Table, key: str, after: str | None, limit: int) -> list[Any]:
        """Up to ``limit`` rows in key order, starting after the key ``after``."""
        query = select(table).order_by(table.c[key]).limit(limit)
        if after is not None:
            query = query.where(table.c[key] > after)
        return list(self.session.execute(query))

    def links(self, channel: str) -> list[tuple[str, int]]:
        cs = t.channel_sources.c
        query = select(cs.source, cs.priority).where(cs.channel == channel).order_by(cs.priority, cs.source)
        return [(row.source, row.priority) for row in self.session.execute(query)]

    def source_codes(self) -> list[str]:
        return list(self.session.scalars(select(t.sources.c.code).order_by(t.sources.c.code)))

    # -- rulesets ---------------------------------------------------------------------------------------

    def ruleset_text(self, name: str, version: int) -> str | None:
        r = t.rulesets.c
        return self.session.scalar(select(r.text).where(r.name == name, r.version == version))

    def ruleset_versions(self, names: Iterable[str]) -> list[Any]:
        """Every stored version of the rulesets ``names``, newest first (text left out)."""
        r = t.rulesets.c
        query = select(r.name, r.version, r.checksum, r.created_at, r.created_by).where(r.name.in_(sorted(names)))
        return list(self.session.execute(query.order_by(r.version.desc(), r.name)))

    def ruleset(self, name: str, version: int) -> Any:
        r = t.rulesets.c
        return self.session.execute(select(t.rulesets).where(r.name == name, r.version == version)).first()

    def activations(self, channel: str) -> list[Any]:
        """The channel's ruleset activations, the latest first."""
        a = t.ruleset_activations.c
        query = select(t.ruleset_activations).where(a.channel == channel).order_by(a.id.desc())
        return list(self.session.execute(query))

    def add_ruleset(self, name: str, text: str, checksum: str, actor: str, now: datetime) -> int:
        r = t.rulesets.c
        latest = self.session.execute(
            select(r.version, r.checksum).where(r.name == name).order_by(r.version.desc()).limit(1)
        ).first()
        if latest is not None and latest.checksum == checksum:
            return int(latest.version)
        version = (latest.version if latest else 0) + 1
        self.session.execute(
            insert(t.rulesets).values(
                name=name, version=version, text=text, checksum=checksum, created_at=now, created_by=actor
            )
        )
        return version

    def activate_ruleset(
        self,
        channel: str,
        name: str | None,
        version: int | None,
        actor: str,
        now: datetime,
        expected: tuple[str | None, int | None] | None = None,
    ) -> bool:
        """Activate ``name``/``version``; with ``expected``, only while that is still the active one (else False).

        The expectation is part of the UPDATE's condition, so checking and
        writing are one statement: no other activation can come in between.
        """
        c = t.channels.c
        where = c.code == channel
        if expected is not None:
            where &= c.ruleset_name.is_(None) if expected[0] is None else c.ruleset_name == expected[0]
            where &= c.ruleset_version.is_(None) if expected[1] is None else c.ruleset_version == expected[1]
        done = self.session.execute(update(t.channels).where(where).values(ruleset_name=name, ruleset_version=version))
        if done.rowcount == 0:
            return False
        self.session.execute(
            insert(t.ruleset_activations).values(
                channel=channel, name=name, version=version, activated_at=now, actor=actor
            )
        )
        self.bump()
        return True

    # -- reading ------------------------------------------------------------------------------------------

    def sources(self) -> dict[str, Source]:
        return {row.code: _source(row) for row in self.session.execute(select(t.sources).order_by(t.sources.c.code))}

    def _channels(self) -> dict[str, Channel]:
        links: dict[str, list[tuple[str, int]]] = {}
        cs = t.channel_sources.c
        for row in self.session.execute(
            select(cs.channel, cs.source, cs.priority).order_by(cs.channel, cs.priority, cs.source)
        ):
            links.setdefault(row.channel, []).append((row.source, row.priority))
        out = {}
        for row in self.session.execute(select(t.channels)):
            ruleset = (row.ruleset_name, row.ruleset_version) if row.ruleset_name else None
            out[row.code] = Channel(
                row.code,
                row.name,
                row.backorders,
                row.sourcing_mode,
                row.strategy,
                row.backorder_exception_days,
                row.low_stock_threshold,
                row.max_line_quantity,
                ruleset,
                tuple(links.get(row.code, ())),
                row.currency,
                PostSalesSettings.from_json(row.post_sales),
                remorse_minutes=row.remorse_minutes,
            )
        return out


def _source(row: Any) -> Source:
    return Source(
        code=row.code,
        name=row.name,
        type=row.type,
        enabled=row.enabled,
        priority=row.priority,
        location=Location(row.lat, row.lon, row.country, row.postcode),
        capabilities=frozenset(row.capabilities),
        costs=Costs(row.cost_fixed, row.cost_per_km, row.cost_per_unit),
        tags=frozenset(row.tags),
        attributes=dict(row.attributes),
    )


def _product(row: Any) -> CatalogProduct:
    return CatalogProduct(
        row.sku, row.type, row.manage_stock, row.backorders, row.price_adjustable, tuple(row.tags), dict(row.attributes)
    )
