"""Orders: customers where people live, Zipf SKUs, kits, pickups, and arrival times."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np

from benchmarks.draws import Draws, cdf_of
from benchmarks.geography import load_cities
from benchmarks.network_gen import Catalogue
from benchmarks.presets import Params
from sourcing_engine.geo import haversine_km
from sourcing_engine.model import PICKUP, Delivery, Location, Order, OrderLine, Source

# Black Friday 2026, midnight UTC: streams start at the year's peak.
STREAM_START = datetime(2026, 11, 27, tzinfo=UTC)
CHANNELS = (("web", 0.70), ("app", 0.25), ("marketplace", 0.05))


class OrderMaker:
    def __init__(self, params: Params, seed: int, sources: list[Source], catalogue: Catalogue) -> None:
        self.params = params
        self.draws = Draws(seed, "orders")
        self.cities = load_cities(params.region)
        self.city_cdf = cdf_of(self.cities.population)
        self.catalogue = catalogue
        self.sku_cdf = cdf_of(catalogue.popularity)
        self.kit_cdf = cdf_of(np.arange(1, len(catalogue.kits) + 1, dtype=float) ** -params.zipf_s)
        self.position = {p.sku: k for k, p in enumerate(catalogue.products)}
        lines = np.arange(1, params.max_lines + 1)
        self.lines_cdf = cdf_of((1 - params.line_p) ** (lines - 1))
        self.qty_cdf = cdf_of(np.array(params.quantity_probs))
        self.channel_cdf = cdf_of(np.array([w for _, w in CHANNELS]))
        stores = [s for s in sources if s.type == "store" and s.enabled]
        self.store_codes = [s.code for s in stores]
        self.store_lat = np.array([s.location.lat for s in stores])
        self.store_lon = np.array([s.location.lon for s in stores])
        self.pickup = np.array([PICKUP in s.capabilities for s in stores], dtype=bool)
        self.clock = STREAM_START

    def orders(self, n: int) -> list[Order]:
        return [self.order(i) for i in range(n)]

    def order(self, i: int) -> Order:
        draws, params = self.draws, self.params
        city = int(draws.categorical(self.city_cdf, 1)[0])
        lat, lon = draws.jitter(float(self.cities.lat[city]), float(self.cities.lon[city]), params.customer_jitter_km)
        country = self.cities.countries[city]
        n_lines = self._line_count()
        kit = self._kit() if draws.uniform() < params.bundle_share else ()
        skus = list(kit) + [self.catalogue.skus[k] for k in draws.distinct(
            self.sku_cdf, max(0, n_lines - len(kit)), exclude={self.position[s] for s in kit})]
        lines = [
            OrderLine(
                id=str(n + 1), sku=sku, quantity=1 if n < len(kit) else self._quantity(),
                unit_price=float(self.catalogue.products[self.position[sku]].attributes["price"]),
                bundle=f"KIT-{i + 1}" if n < len(kit) else None,
            )
            for n, sku in enumerate(skus)
        ]
        near = self._nearest_stores(lat, lon)
        delivery = Delivery("ship", address=Location(lat, lon, country))
        if draws.uniform() < params.pickup_share:
            pickup = [j for j in near if self.pickup[j]]
            if pickup:
                delivery = Delivery(PICKUP, pickup_source=self.store_codes[pickup[0]])
        if draws.uniform() < params.preshipped_share and len(lines) > len(kit) and near:
            # The customer took one item home from the nearest store and ordered the rest.
            j = len(kit) + int(draws.uniform() * (len(lines) - len(kit)))
            lines[j] = _preshipped(lines[j], self.store_codes[near[0]])
        channel = CHANNELS[int(draws.categorical(self.channel_cdf, 1)[0])][0]
        return Order(id=f"ORD-{i + 1:06d}", delivery=delivery, lines=tuple(lines), channel=channel,
                     created_at=self._arrival())

    def _line_count(self) -> int:
        params, draws = self.params, self.draws
        if params.large_share and draws.uniform() < params.large_share:
            low, high = params.large_lines
            # Log-uniform: B2B order sizes spread over an order of magnitude.
            return min(high, int(math.exp(math.log(low) + draws.uniform() * math.log(high / low))))
        return 1 + int(draws.categorical(self.lines_cdf, 1)[0])

    def _kit(self) -> tuple[str, ...]:
        return self.catalogue.kits[int(self.draws.categorical(self.kit_cdf, 1)[0])]

    def _quantity(self) -> int:
        return 1 + int(self.draws.categorical(self.qty_cdf, 1)[0])

    def _nearest_stores(self, lat: float, lon: float, k: int = 3) -> list[int]:
        if not self.store_codes:
            return []
        dist = haversine_km(lat, lon, self.store_lat, self.store_lon)
        return [int(j) for j in np.argsort(dist, kind="stable")[:k]]

    def _arrival(self) -> datetime:
        """Poisson arrivals with a diurnal profile peaking at 20:00 (thinning)."""
        peak = self.params.orders_per_hour * 1.6
        while True:
            self.clock += timedelta(hours=self.draws.exponential(1 / peak))
            hour = self.clock.hour + self.clock.minute / 60
            rate = self.params.orders_per_hour * (1 + 0.6 * math.sin(2 * math.pi * (hour - 14) / 24))
            if self.draws.uniform() * peak <= rate:
                return self.clock.replace(microsecond=0)


def _preshipped(line: OrderLine, source: str) -> OrderLine:
    return OrderLine(id=line.id, sku=line.sku, quantity=line.quantity, unit_price=line.unit_price,
                     preshipped_source=source)
