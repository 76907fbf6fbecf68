"""What the engine is asked: a network of sources with stock, and an order.

Plain typed dataclasses, free of any JSON or persistence concern; the
marshmallow schemas in ``schemas.py`` turn the contract's JSON into these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

SourceType = Literal["warehouse", "store", "dropship"]
ProductType = Literal["physical", "virtual"]
DeliveryMethod = Literal["ship", "pickup"]

SHIP = "ship"
PICKUP = "pickup"
SHIP_TO_STORE = "ship_to_store"


@dataclass(frozen=True, slots=True)
class Location:
    lat: float
    lon: float
    country: str | None = None
    postcode: str | None = None


@dataclass(frozen=True, slots=True)
class Costs:
    fixed: float = 0.0
    per_km: float = 0.0
    per_unit: float = 0.0


@dataclass(frozen=True, slots=True)
class Source:
    code: str
    location: Location
    name: str = ""
    type: SourceType = "warehouse"
    enabled: bool = True
    priority: int = 0
    capabilities: frozenset[str] = frozenset({SHIP})
    costs: Costs = Costs()
    tags: frozenset[str] = frozenset()
    attributes: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    type: ProductType = "physical"
    manage_stock: bool = True
    backorders: bool = False
    tags: frozenset[str] = frozenset()
    attributes: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StockRow:
    source: str
    sku: str
    on_hand: int = 0
    reserved: int = 0
    safety_stock: int = 0
    unlimited: bool = False

    @property
    def available(self) -> int:
        return max(0, self.on_hand - self.reserved - self.safety_stock)


@dataclass(slots=True)
class Network:
    sources: list[Source]
    products: list[Product] = field(default_factory=list)
    stock: Sequence[StockRow] = field(default_factory=list)  # a list, or a StockTable of columns


@dataclass(frozen=True, slots=True)
class Delivery:
    method: DeliveryMethod
    address: Location | None = None
    pickup_source: str | None = None


@dataclass(frozen=True, slots=True)
class OrderLine:
    id: str
    sku: str
    quantity: int
    unit_price: float = 0.0
    bundle: str | None = None
    preshipped_source: str | None = None
    allow_backorder: bool | None = None
    attributes: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    delivery: Delivery
    lines: tuple[OrderLine, ...]
    channel: str = ""
    created_at: datetime | None = None
    attributes: dict[str, object] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(line.unit_price * line.quantity for line in self.lines)
