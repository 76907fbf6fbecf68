"""What rules are evaluated against, in the rules package's own terms.

The engine (which the rules package may not import) fills these: one
``OrderFacts`` per order, one ``SourceTable`` per network, and per order a
``Placement`` with the distances to the destination and the stock at hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)
class LineFacts:
    id: str
    sku: str
    quantity: int
    unit_price: float = 0.0
    bundle: str | None = None
    product_type: str = "physical"
    product_tags: frozenset[str] = frozenset()
    attributes: Mapping[str, Any] = field(default_factory=dict)
    product_attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OrderFacts:
    id: str
    lines: tuple[LineFacts, ...]
    channel: str = ""
    created_at: datetime | None = None
    delivery_method: str = "ship"
    pickup_source: str | None = None
    country: str | None = None
    postcode: str | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(line.unit_price * line.quantity for line in self.lines)


@dataclass(frozen=True, slots=True)
class SourceRow:
    code: str
    type: str = "warehouse"
    priority: int = 0
    name: str = ""
    tags: frozenset[str] = frozenset()
    capabilities: frozenset[str] = frozenset()
    country: str | None = None
    postcode: str | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Placement:
    """The per-order side of the sources: how far each is, and what each holds of a SKU."""

    distance_km: Callable[[], np.ndarray]
    available: Callable[[str], np.ndarray]
    _distance: np.ndarray | None = field(default=None, init=False)

    def distances(self) -> np.ndarray:
        if self._distance is None:
            self._distance = np.asarray(self.distance_km(), dtype=float)
        return self._distance


def order_value(name: str, order: OrderFacts) -> Any:
    """The value of an ``order.`` field, None when absent."""
    return order_reader(name)(order)


def line_value(name: str, line: LineFacts) -> Any:
    """The value of a ``line.`` field, None when absent."""
    return line_reader(name)(line)


def order_reader(name: str) -> Callable[[OrderFacts], Any]:
    """A function reading one ``order.`` field, chosen once rather than on every read."""
    if name.startswith("order.attributes."):
        attribute = name.removeprefix("order.attributes.")
        return lambda order: order.attributes.get(attribute)
    return _ORDER_FIELDS[name]


def line_reader(name: str) -> Callable[[LineFacts], Any]:
    """A function reading one ``line.`` field."""
    if name.startswith("line.product.attributes."):
        attribute = name.removeprefix("line.product.attributes.")
        return lambda line: line.product_attributes.get(attribute)
    if name.startswith("line.attributes."):
        attribute = name.removeprefix("line.attributes.")
        return lambda line: line.attributes.get(attribute)
    return _LINE_FIELDS[name]


_ORDER_FIELDS: dict[str, Callable[[OrderFacts], Any]] = {
    "order.id": lambda o: o.id,
    "order.channel": lambda o: o.channel,
    "order.created_at": lambda o: o.created_at,
    "order.total": lambda o: o.total,
    "order.line_count": lambda o: len(o.lines),
    "order.delivery.method": lambda o: o.delivery_method,
    "order.delivery.pickup_source": lambda o: o.pickup_source,
    "order.delivery.address.country": lambda o: o.country,
    "order.delivery.address.postcode": lambda o: o.postcode,
}
_LINE_FIELDS: dict[str, Callable[[LineFacts], Any]] = {
    "line.id": lambda line: line.id,
    "line.sku": lambda line: line.sku,
    "line.quantity": lambda line: line.quantity,
    "line.unit_price": lambda line: line.unit_price,
    "line.bundle": lambda line: line.bundle,
    "line.product.type": lambda line: line.product_type,
    "line.product.tags": lambda line: line.product_tags,
}
