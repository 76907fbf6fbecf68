"""One source, channel or product at a time: read it, list them, replace one under a precondition.

A replacement is a network load of one item (``catalog.load_network``), so an
item edited alone is checked exactly as it is in a network document and
stored by the same code.  The caller may pass ``expect``: it sees the item as
it is inside the replacing transaction (row locked on PostgreSQL, the
database locked on SQLite) and raises to refuse, which is how an HTTP
``If-Match`` is checked without a window between the check and the write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from oms.adapters import tables as t
from oms.errors import FieldError, InvalidInput, NotFound
from oms.service.app import Oms, transact
from oms.service.catalog import load_network
from oms.service.unit_of_work import UnitOfWork

MAX_PAGE = 500
Expectation = Callable[[dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of catalog item: its table, key, and the network document's collection that holds it."""

    name: str
    table: t.Table
    key: str
    collection: str


SOURCE = Kind("source", t.sources, "code", "sources")
CHANNEL = Kind("channel", t.channels, "code", "channels")
PRODUCT = Kind("product", t.products, "sku", "products")


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict[str, Any]]
    next_after: str | None  # the key to continue after, None on the last page


def show(app: Oms, kind: Kind, key: str) -> dict[str, Any]:
    """The item as a network document writes it."""

    def read(uow: UnitOfWork) -> dict[str, Any]:
        found = _view(uow, kind, key)
        if found is None:
            raise NotFound(f"no {kind.name} {key!r}")
        return found

    return transact(app, read, readonly=True)


def listing(app: Oms, kind: Kind, after: str | None = None, limit: int = 50) -> Page:
    """Items in key order, ``limit`` at most, after the key ``after``."""
    limit = max(1, min(limit, MAX_PAGE))

    def read(uow: UnitOfWork) -> Page:
        rows = uow.catalog.page(kind.table, kind.key, after, limit + 1)
        items = [_describe(uow, kind, row) for row in rows[:limit]]
        return Page(items, items[-1][kind.key] if len(rows) > limit else None)

    return transact(app, read, readonly=True)


def replace(
    app: Oms, kind: Kind, key: str, doc: Any, expect: Expectation | None = None, actor: str = "operator"
) -> dict[str, Any]:
    """Replace an existing item by ``doc`` (its key may be left out); the item as stored afterwards."""
    if not isinstance(doc, dict):
        raise InvalidInput([FieldError("", "must be a JSON object")])
    if kind.key in doc and doc[kind.key] != key:
        raise InvalidInput([FieldError(kind.key, f"must be {key!r}, the {kind.name} in the path (no renames)")])

    def precondition(uow: UnitOfWork) -> None:
        current = _view(uow, kind, key, lock=True)
        if current is None:
            raise NotFound(f"no {kind.name} {key!r} (add it with a network document)")
        if expect is not None:
            expect(current)

    prefix = f"{kind.collection}[0]"
    try:
        load_network(app, {kind.collection: [{**doc, kind.key: key}]}, actor, precondition)
    except InvalidInput as err:
        raise InvalidInput([_unprefixed(e, prefix) for e in err.errors]) from None
    return show(app, kind, key)


def _unprefixed(error: FieldError, prefix: str) -> FieldError:
    """``sources[0].location.lat`` is ``location.lat`` of the one item given."""
    if error.path == prefix:
        return FieldError("", error.message)
    if error.path.startswith(prefix + "."):
        return FieldError(error.path[len(prefix) + 1 :], error.message)
    return error


def _view(uow: UnitOfWork, kind: Kind, key: str, lock: bool = False) -> dict[str, Any] | None:
    row = uow.catalog.row(kind.table, kind.key, key, lock=lock and not uow.db.is_sqlite)
    return None if row is None else _describe(uow, kind, row)


def _describe(uow: UnitOfWork, kind: Kind, row: Any) -> dict[str, Any]:
    if kind is SOURCE:
        return source_view(row)
    if kind is CHANNEL:
        return channel_view(row, uow.catalog.links(row.code))
    return product_view(row)


def source_view(row: Any) -> dict[str, Any]:
    """A source as the engine's network document has it (``docs/contract.md``)."""
    return {
        "code": row.code,
        "name": row.name,
        "type": row.type,
        "enabled": row.enabled,
        "priority": row.priority,
        "location": {"lat": row.lat, "lon": row.lon, "country": row.country, "postcode": row.postcode},
        "capabilities": sorted(row.capabilities),
        "costs": {"fixed": row.cost_fixed, "per_km": row.cost_per_km, "per_unit": row.cost_per_unit},
        "tags": sorted(row.tags),
        "attributes": dict(row.attributes),
    }


def channel_view(row: Any, links: list[tuple[str, int]]) -> dict[str, Any]:
    """A channel as the network document has it, its sources listed with their link priorities.

    Every column but the active ruleset (which has its own resource and history) is shown, so that a
    setting added to channels later is kept by a read-modify-write through this view.
    """
    doc = {k: v for k, v in row._mapping.items() if k not in ("ruleset_name", "ruleset_version")}
    return {**doc, "sources": [{"source": code, "priority": priority} for code, priority in links]}


def product_view(row: Any) -> dict[str, Any]:
    return {**row._mapping, "tags": sorted(row.tags), "attributes": dict(row.attributes)}
