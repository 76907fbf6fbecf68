"""Loading the network (sources, products, channels, stock) and managing rulesets.

The network document is the engine's (``docs/contract.md``) with two
additions: products may be ``service`` or ``shipping`` and ``price_adjustable``,
and ``channels`` say which sources each sales channel sells from.  Stock rows
in it are applied like a DELTA snapshot; their ``reserved`` is ignored (with a
warning): reservations are the OMS's own, made by its orders.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from oms.adapters import tables as t
from oms.catalog_schemas import NETWORK_KEYS, source_problems
from oms.errors import FieldError, InvalidInput, NotFound
from oms.limits import MAX_ACTOR, MAX_CODE, MAX_RULES_TEXT, document_problems, refuse_bad_texts
from oms.schemas import load_channels, load_products, load_stock_rows
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


def load_network(
    app: Oms, doc: Any, actor: str = "operator", precondition: Callable[[UnitOfWork], None] | None = None
) -> NetworkLoaded:
    """Check the whole document, then load it in one transaction, after ``precondition`` (if any) held in it."""
    sources, products, channels, stock_rows = _checked(doc)
    ignored = sum(1 for row in stock_rows if row["reserved"])

    def work(uow: UnitOfWork) -> NetworkLoaded:
        if precondition is not None:
            precondition(uow)
        cat = uow.catalog
        cat.upsert(t.sources, "code", [_source_row(s) for s in sources])
        cat.upsert(t.products, "sku", [_product_row(p) for p in products])
        known = set(cat.source_codes())
        priorities = {s.code: s.priority for s in sources}
        errors = [
            FieldError(f"stock[{i}].source", f"unknown source {row['source']!r}")
            for i, row in enumerate(stock_rows)
            if row["source"] not in known
        ]
        for i, ch in enumerate(channels):
            links = _links(ch["sources"], priorities, uow)
            unknown = [
                FieldError(f"channels[{i}].sources", f"unknown source {c!r}") for c, _ in links if c not in known
            ]
            wave_errors = wave_settings_errors(uow, ch, i)
            errors += unknown + wave_errors
            if not unknown and not wave_errors:
                cat.upsert(t.channels, "code", [_channel_row(ch)])
                cat.link_sources(ch["code"], links)
                store_wave_settings(uow, ch)
        if errors:
            raise InvalidInput(errors)
        result = NetworkLoaded(len(sources), len(products), len(channels))
        if ignored:
            result.stock.warnings.append(
                f"'reserved' ignored in {ignored} stock row(s): the OMS keeps its own reservations"
            )
        by_source: dict[str, list[dict[str, Any]]] = {}
        for row in stock_rows:
            by_source.setdefault(row["source"], []).append(
                {k: row[k] for k in ("sku", "safety_stock", "unlimited")} | {"quantity": row["on_hand"]}
            )
        for code in sorted(by_source):
            apply_items(uow, code, by_source[code], "DELTA", "network load", result.stock)
        cat.bump()
        uow.commit()
        result.stock.warnings += uow.notes
        return result

    loaded = transact(app, work)
    if loaded.stock.grew:
        loaded.stock.resourced = restocked(app, loaded.stock.grew)
    return loaded


def _checked(doc: Any) -> tuple[list, list, list, list]:
    """Sources (the engine's), products, channels and stock rows, or every problem of the document at once."""
    if not isinstance(doc, dict):
        raise InvalidInput([FieldError("", "must be a JSON object")])
    errors = [
        FieldError(key, f"unknown field (a network file holds {', '.join(NETWORK_KEYS)})")
        for key in doc
        if key not in NETWORK_KEYS
    ]
    errors += document_problems(doc) + source_problems(doc.get("sources", []))
    sources = _engine_sources(doc.get("sources", []), errors)
    products = _collect(lambda: load_products(doc.get("products", [])), errors)
    channels = _collect(lambda: load_channels(doc.get("channels", [])), errors)
    stock_rows = _collect(lambda: load_stock_rows(doc.get("stock") or []), errors)
    if errors:
        unique: dict[str, FieldError] = {}
        for error in errors:
            unique.setdefault(error.path, error)
        raise InvalidInput(list(unique.values()))
    return sources, products, channels, stock_rows


@dataclass(frozen=True, slots=True)
class RulesetActivated:
    name: str | None  # None: the channel has no rules now
    version: int | None


def set_ruleset(app: Oms, channel: str, name: str | None, text: str | None, actor: str = "operator") -> int | None:
    """Store ``text`` as the next version of ruleset ``name`` (``None``: the header's) and activate it; the version."""
    return activate_ruleset(app, channel, text, name=name, actor=actor).version


def activate_ruleset(
    app: Oms,
    channel: str,
    text: str | None,
    *,
    name: str | None = None,
    file: str | None = None,
    actor: str = "operator",
) -> RulesetActivated:
    """Store ``text`` as the next version of its ruleset and make it the channel's active one.

    The ruleset is stored under the name in its header unless ``name`` is
    given; ``text=None`` leaves the channel without rules.  The text must
    compile (errors name ``file``); every version and every activation stays
    in the history.
    """
    refuse_bad_texts(
        ("channel", channel, MAX_CODE, True),
        ("name", name, MAX_CODE, True),
        ("text", text, MAX_RULES_TEXT, False),
        ("actor", actor, MAX_ACTOR, False),
    )
    if text is not None:
        compiled = app.rules.compile(text, file or name or "<rules>")
        name = name or getattr(compiled, "name", None)
        if not name:
            raise InvalidInput([FieldError("name", "the ruleset's header names no ruleset; give a name")])
    else:
        name = None

    def work(uow: UnitOfWork) -> RulesetActivated:
        if channel not in uow.catalog.snapshot().channels:
            raise NotFound(f"no channel {channel!r}")
        version = None
        if name is not None:
            digest = hashlib.sha256((text or "").encode()).hexdigest()
            version = uow.catalog.add_ruleset(name, text or "", digest, actor, uow.now)
        uow.catalog.activate_ruleset(channel, name, version, actor, uow.now)
        uow.commit()
        return RulesetActivated(name, version)

    return transact(app, work)


def _engine_sources(docs: Any, errors: list[FieldError]) -> list:
    try:
        return list(load_engine_network({"sources": docs}).sources)
    except InputError as err:
        errors.append(FieldError(err.path, err.message))
        return []


def _collect(load, errors: list[FieldError]) -> list:  # type: ignore[no-untyped-def]
    try:
        return load()
    except InvalidInput as err:
        errors.extend(err.errors)
        return []


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
            "max_line_quantity",
            "currency",
            "post_sales",
            "remorse_minutes",
        )
    }
