"""Sales channels, their sources, and products as the OMS knows them.

A channel sells from an aggregate of sources (MOM), each linked with a
priority that replaces the source's own for that channel's orders.  The
catalog is read far more often than it changes, so it is cached per process
and versioned: loading a network bumps the version.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from oms.domain.post_sales import PostSalesSettings
from sourcing_engine.model import Product, Source


@dataclass(frozen=True, slots=True)
class Channel:
    code: str
    name: str = ""
    backorders: bool | None = None  # None: each product (or line) decides
    sourcing_mode: str = "direct"  # direct | batch
    strategy: str = "optimal"
    backorder_exception_days: int | None = 7
    low_stock_threshold: int | None = None
    max_line_quantity: int = 10_000  # units one order line may ask for on this channel
    ruleset: tuple[str, int] | None = None  # (name, version) active
    links: tuple[tuple[str, int], ...] = ()  # (source code, priority)
    currency: str = "EUR"  # ISO 4217: orders that name none are in it
    post_sales: PostSalesSettings = field(default_factory=PostSalesSettings)
    remorse_minutes: int = 0  # MOM's PENDING_REMORSE_TIME: a new order waits on hold this long

    def source_codes(self) -> frozenset[str]:
        return frozenset(code for code, _ in self.links)


@dataclass(frozen=True, slots=True)
class CatalogProduct:
    sku: str
    type: str = "physical"  # physical | virtual | service | shipping
    manage_stock: bool = True
    backorders: bool = False
    price_adjustable: bool = False
    tags: tuple[str, ...] = ()
    attributes: dict[str, object] = field(default_factory=dict)

    def for_engine(self) -> Product:
        """Service and shipping lines need no parcel: the engine delivers them like virtual goods."""
        physical = self.type == "physical"
        return Product(
            sku=self.sku,
            type="physical" if physical else "virtual",
            manage_stock=self.manage_stock and self.type in ("physical", "virtual"),
            backorders=self.backorders,
            tags=frozenset(self.tags),
            attributes=dict(self.attributes),
        )


@dataclass(slots=True)
class CatalogSnapshot:
    version: int
    sources: dict[str, Source]
    channels: dict[str, Channel]
    products: dict[str, CatalogProduct | None] = field(default_factory=dict)  # filled as SKUs are asked for
    _channel_sources: dict[str, list[Source]] = field(default_factory=dict)

    def channel_sources(self, channel: Channel) -> list[Source]:
        """The channel's sources, each with the channel's link priority."""
        cached = self._channel_sources.get(channel.code)
        if cached is None:
            cached = [
                dataclasses.replace(self.sources[code], priority=priority)
                for code, priority in channel.links
                if code in self.sources
            ]
            self._channel_sources[channel.code] = cached
        return cached


def sellable(rows: list[tuple[int, int, int, bool]], managed: bool = True) -> float:
    """MOM's aggregate stock over (on_hand, reserved, safety_stock, unlimited) rows of enabled sources."""
    if not managed or any(unlimited for *_, unlimited in rows):
        return float("inf")
    return float(sum(max(0, on_hand - safety - reserved) for on_hand, reserved, safety, _ in rows))
