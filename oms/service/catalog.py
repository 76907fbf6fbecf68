"""Loading the network (sources, products, channels, stock) and managing rulesets.

The network document is the engine's (``docs/contract.md``) with two
additions: products may be ``service`` or ``shipping`` and ``price_adjustable``,
and ``channels`` say which sources each sales channel sells from.  Stock rows
in it are applied like a DELTA snapshot; their ``reserved`` is ignored (with a
warning): reservations are the OMS's own, made by its orders.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from oms.adapters import tables as t
from oms.errors import FieldError, InvalidInput, NotFound
from oms.schemas import load_channels, load_products
from oms.service.app import Oms, transact
from oms.service.background import restocked
from oms.service.inventory import StockResult, apply_items
from oms.service.unit_of_work import UnitOfWork
from oms.service.wave_settings import store_wave_settings, wave_settings_errors
from sourcing_engine.errors import InputError
from sourcing_engine.schemas import load_network as load_engine_network


@dataclass(slots=True)
class NetworkLoaded:
    sources: int = 0
    products: int = 0
    channels: int = 0
    stock: StockResult = field(default_factory=StockResult)


def load_network(app: Oms, doc: Any, actor: str = "operator") -> NetworkLoaded:
    if not isinstance(doc, dict):
        raise InvalidInput([FieldError("", "must be a JSON object")])
    errors: list[FieldError] = []
    sources, stock_rows = _engine_part(doc, errors)
    products = _collect(lambda: load_products(doc.get("products", [])), errors)
    channels = _collect(lambda: load_channels(doc.get("channels", [])), errors)
    ignored = sum(1 for row in doc.get("stock") or [] if isinstance(row, dict) and row.get("reserved"))
    if errors:
        raise InvalidInput(errors)

    def work(uow: UnitOfWork) -> NetworkLoaded:
        cat = uow.catalog
        cat.upsert(t.sources, "code", [_source_row(s) for s in sources])
        cat.upsert(t.products, "sku", [_product_row(p) for p in products or []])
        known = {code: None for code in cat.source_codes()}
        priorities = {s.code: s.priority for s in sources}
        link_errors = []
        for i, ch in enumerate(channels or []):
            links = _links(ch["sources"], priorities, uow)
            unknown = [
                FieldError(f"channels[{i}].sources", f"unknown source {c!r}") for c, _ in links if c not in known
            ]
            wave_errors = wave_settings_errors(uow, ch, i)
            link_errors += unknown + wave_errors
            if not unknown and not wave_errors:
                cat.upsert(t.channels, "code", [_channel_row(ch)])
                cat.link_sources(ch["code"], links)
                store_wave_settings(uow, ch)
        if link_errors:
            raise InvalidInput(link_errors)
        result = NetworkLoaded(len(sources), len(products or []), len(channels or []))
        if ignored:
            result.stock.warnings.append(
                f"'reserved' ignored in {ignored} stock row(s): the OMS keeps its own reservations"
            )
        by_source: dict[str, list[dict[str, Any]]] = {}
        for row in stock_rows:
            by_source.setdefault(row.source, []).append(
                {"sku": row.sku, "quantity": row.on_hand, "safety_stock": row.safety_stock, "unlimited": row.unlimited}
            )
        for code in sorted(by_source):
            apply_items(uow, code, by_source[code], "DELTA", "network load", result.stock)
        cat.bump()
        uow.commit()
        return result

    loaded = transact(app, work)
    if loaded.stock.grew:
        loaded.stock.resourced = restocked(app, loaded.stock.grew)
    return loaded


def set_ruleset(app: Oms, channel: str, name: str | None, text: str | None, actor: str = "operator") -> int | None:
    """Store ``text`` as the next version of ruleset ``name`` and make it the channel's active one.

    ``name=None`` leaves the channel without rules.  The text must compile;
    every version and every activation stays in the history.
    """
    if name is not None:
        app.rules.compile(text or "", name)

    def work(uow: UnitOfWork) -> int | None:
        if channel not in uow.catalog.snapshot().channels:
            raise NotFound(f"no channel {channel!r}")
        version = None
        if name is not None:
            digest = hashlib.sha256((text or "").encode()).hexdigest()
            version = uow.catalog.add_ruleset(name, text or "", digest, actor, uow.now)
        uow.catalog.activate_ruleset(channel, name, version, actor, uow.now)
        uow.commit()
        return version

    return transact(app, work)


def _engine_part(doc: dict[str, Any], errors: list[FieldError]) -> tuple[list, list]:
    stock = [
        {k: v for k, v in row.items() if k != "reserved"} if isinstance(row, dict) else row
        for row in (doc.get("stock") or [])
    ]
    try:
        network = load_engine_network({"sources": doc.get("sources", []), "stock": stock})
    except InputError as err:
        errors.append(FieldError(err.path, err.message))
        return [], []
    return network.sources, network.stock


def _collect(load, errors: list[FieldError]):  # type: ignore[no-untyped-def]
    try:
        return load()
    except InvalidInput as err:
        errors.extend(err.errors)
        return None


def _links(spec: Any, priorities: dict[str, int], uow: UnitOfWork) -> list[tuple[str, int]]:
    if spec == "*":
        return [(code, priorities.get(code, src.priority)) for code, src in sorted(uow.catalog.sources().items())]
    links = []
    for i, link in enumerate(spec):
        code = link if isinstance(link, str) else link["source"]
        priority = link.get("priority") if isinstance(link, dict) else None
        links.append((code, priority if priority is not None else priorities.get(code, i)))
    return links


def _source_row(s: Any) -> dict[str, Any]:
    return {
        "code": s.code,
        "name": s.name,
        "type": s.type,
        "enabled": s.enabled,
        "priority": s.priority,
        "lat": s.location.lat,
        "lon": s.location.lon,
        "country": s.location.country,
        "postcode": s.location.postcode,
        "capabilities": sorted(s.capabilities),
        "cost_fixed": s.costs.fixed,
        "cost_per_km": s.costs.per_km,
        "cost_per_unit": s.costs.per_unit,
        "tags": sorted(s.tags),
        "attributes": dict(s.attributes),
    }


def _product_row(p: dict[str, Any]) -> dict[str, Any]:
    return {k: p[k] for k in ("sku", "type", "manage_stock", "backorders", "price_adjustable", "tags", "attributes")}


def _channel_row(ch: dict[str, Any]) -> dict[str, Any]:
    return {
        k: ch[k]
        for k in (
            "code",
            "name",
            "backorders",
            "sourcing_mode",
            "strategy",
            "backorder_exception_days",
            "low_stock_threshold",
        )
    }
