"""The network: sources at real cities, a Zipf catalogue, stock sized by a scarcity knob."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from benchmarks.draws import Draws, cdf_of
from benchmarks.geography import Cities, load_cities, spread_largest, zone
from benchmarks.presets import CostModel, Params
from sourcing_engine.model import PICKUP, SHIP, SHIP_TO_STORE, Costs, Location, Network, Product, Source, StockRow


@dataclass(slots=True)
class Catalogue:
    products: list[Product]
    popularity: np.ndarray  # P(a random line is this SKU)
    kits: list[tuple[str, ...]]  # SKUs of each kit, all physical

    @property
    def skus(self) -> list[str]:
        return [p.sku for p in self.products]


def sku_code(k: int) -> str:
    return f"SKU-{k + 1:05d}"


def make_sources(params: Params, seed: int) -> list[Source]:
    draws = Draws(seed, "network")
    cities = load_cities(params.region)
    sources = _warehouses(params, cities, draws)
    sources += _stores(params, cities, draws, first_priority=len(sources) + 1)
    sources += _dropshippers(params, cities, draws, first_priority=len(sources) + 1)
    closed = draws.bernoulli(params.disabled_share, len(sources))
    return [
        _with(s, enabled=False) if closed[i] and s.type != "warehouse" else s for i, s in enumerate(sources)
    ]


def _warehouses(params: Params, cities: Cities, draws: Draws) -> list[Source]:
    out = []
    for n, i in enumerate(spread_largest(cities, params.warehouses, params.warehouse_spacing_km)):
        out.append(Source(
            code=f"WH-{n + 1:02d}", name=f"{cities.names[i]} DC", type="warehouse", priority=n + 1,
            location=Location(round(float(cities.lat[i]), 5), round(float(cities.lon[i]), 5), cities.countries[i]),
            capabilities=frozenset({SHIP, SHIP_TO_STORE}), costs=_costs(params.warehouse_cost, params, draws),
            tags=frozenset({"warehouse", zone(cities, i)}), attributes={"weight": float(cities.population[i])},
        ))
    return out


def _stores(params: Params, cities: Cities, draws: Draws, first_priority: int) -> list[Source]:
    # Stores follow people: a city gets stores in proportion to its population.
    picks = draws.categorical(cdf_of(cities.population), params.stores)
    big = np.quantile(cities.population[picks], 0.95) if params.stores else 0
    out = []
    for n, i in enumerate(int(p) for p in picks):
        caps = {cap for cap, share in ((SHIP, params.store_ship_share), (PICKUP, params.store_pickup_share),
                                       (SHIP_TO_STORE, params.store_transfer_share)) if draws.uniform() < share}
        lat, lon = draws.jitter(float(cities.lat[i]), float(cities.lon[i]), params.store_jitter_km)
        tags = {"store", zone(cities, i)} | ({"flagship"} if cities.population[i] >= big else set())
        out.append(Source(
            code=f"ST-{n + 1:04d}", name=f"{cities.names[i]} store {n + 1}", type="store",
            priority=first_priority + n, location=Location(lat, lon, cities.countries[i]),
            capabilities=frozenset(caps), costs=_costs(params.store_cost, params, draws), tags=frozenset(tags),
            # Store size (and so its stock) grows with the square root of its city: big cities get more stores.
            attributes={"weight": float(np.sqrt(cities.population[i]))},
        ))
    return out


def _dropshippers(params: Params, cities: Cities, draws: Draws, first_priority: int) -> list[Source]:
    picks = draws.categorical(cdf_of(cities.population), params.dropshippers)
    return [
        Source(
            code=f"DS-{n + 1:02d}", name=f"{cities.names[i]} drop-shipper", type="dropship",
            priority=first_priority + n,
            location=Location(round(float(cities.lat[i]), 5), round(float(cities.lon[i]), 5), cities.countries[i]),
            capabilities=frozenset({SHIP}), costs=_costs(params.dropship_cost, params, draws),
            tags=frozenset({"dropship", zone(cities, i)}), attributes={"weight": 1.0},
        )
        for n, i in enumerate(int(p) for p in picks)
    ]


def _costs(model: CostModel, params: Params, draws: Draws) -> Costs:
    def vary(x: float) -> float:
        return round(x * (1 + params.cost_jitter * (2 * draws.uniform() - 1)), 6)

    return Costs(fixed=round(vary(model.fixed), 2), per_km=vary(model.per_km), per_unit=round(vary(model.per_unit), 2))


def _with(source: Source, **changes: object) -> Source:
    fields = {name: getattr(source, name) for name in source.__slots__}  # type: ignore[attr-defined]
    return Source(**{**fields, **changes})


def make_catalogue(params: Params, seed: int) -> Catalogue:
    draws = Draws(seed, "catalogue")
    n = params.skus
    popularity = np.arange(1, n + 1, dtype=float) ** -params.zipf_s
    popularity /= popularity.sum()
    virtual = draws.bernoulli(params.virtual_share, n)
    unmanaged = virtual  # gift cards and downloads are not counted stock
    products = []
    for k in range(n):
        tags = {t for t, share in (("fragile", params.fragile_share), ("bulky", params.bulky_share),
                                   ("hazmat", params.hazmat_share)) if draws.uniform() < share}
        # Prices and weights are log-normal, as retail price and parcel-weight distributions are.
        price = round(float(np.exp(3.2 + 0.9 * _normal(draws))), 2)
        weight = round(float(np.exp(-0.3 + 0.8 * _normal(draws))) * (6 if "bulky" in tags else 1), 2)
        products.append(Product(
            sku=sku_code(k), type="virtual" if virtual[k] else "physical", manage_stock=not unmanaged[k],
            backorders=bool(draws.uniform() < params.backorder_share), tags=frozenset(tags),
            attributes={"price": price, "weight_kg": weight},
        ))
    physical = np.flatnonzero(~virtual)
    kits = []
    phys_cdf = cdf_of(popularity[physical])
    for _ in range(max(1, round(params.kits_per_1000_skus * n / 1000))):
        size = draws.integer(*params.bundle_lines)
        kits.append(tuple(sku_code(int(physical[j])) for j in draws.distinct(phys_cdf, size)))
    return Catalogue(products, popularity, kits)


def _normal(draws: Draws) -> float:
    """A standard normal by Box-Muller, from two uniforms."""
    u1, u2 = 1.0 - draws.uniform(), draws.uniform()
    return float(np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2))


def units_per_order(params: Params) -> float:
    """Expected physical units of one order, for sizing stock against demand."""
    lines = np.arange(1, params.max_lines + 1)
    pmf = (1 - params.line_p) ** (lines - 1)
    small = float((lines * pmf).sum() / pmf.sum())
    large = sum(params.large_lines) / 2
    mean_lines = (1 - params.large_share) * small + params.large_share * large
    q = np.array(params.quantity_probs)
    return mean_lines * float((np.arange(1, len(q) + 1) * q).sum() / q.sum())


def make_network(params: Params, seed: int, sources: list[Source], catalogue: Catalogue, horizon: int) -> Network:
    draws = Draws(seed, "stock")
    weights = np.array([float(s.attributes["weight"]) for s in sources])
    kinds = np.array([s.type for s in sources])
    wh, st, ds = (np.flatnonzero(kinds == t) for t in ("warehouse", "store", "dropship"))
    demand = horizon * units_per_order(params) * catalogue.popularity
    carry = _store_carry_probability(catalogue.popularity, params.store_assortment)
    stock: list[StockRow] = []
    for k, product in enumerate(catalogue.products):
        if product.type == "virtual" or not product.manage_stock:
            continue
        if draws.uniform() < params.unlimited_share:
            holders = ds if len(ds) else wh[:1]
            stock += [StockRow(sources[i].code, product.sku, unlimited=True) for i in holders]
            continue
        units = max(params.min_network_units, round(params.cover * demand[k]))
        at_wh = wh[draws.bernoulli(params.warehouse_assortment, len(wh))]
        at_st = st[draws.bernoulli(carry[k], len(st))]
        if len(at_wh) == 0 and len(at_st) == 0:
            at_wh = wh[:1] if len(wh) else st[:1]
        wh_units = units if len(at_st) == 0 else 0 if len(at_wh) == 0 else round(params.warehouse_stock_share * units)
        split = {}
        for holders, n in ((at_wh, wh_units), (at_st, units - wh_units)):
            if len(holders) and n:
                split.update(zip(holders.tolist(), draws.split(n, cdf_of(weights[holders])).tolist(), strict=True))
        for i, qty in split.items():
            stock.append(_row(sources[i], product.sku, qty, params, draws))
    return Network(sources=sources, products=catalogue.products, stock=stock)


def _row(source: Source, sku: str, qty: int, params: Params, draws: Draws) -> StockRow:
    safety = params.store_safety_stock if source.type == "store" else 0
    reserved = 0
    if qty and draws.uniform() < params.reserved_share:
        reserved = 1 + int(draws.uniform() * qty)
    return StockRow(source.code, sku, on_hand=qty + safety + reserved, reserved=reserved, safety_stock=safety)


def _store_carry_probability(popularity: np.ndarray, mean_share: float) -> np.ndarray:
    """Stores carry popular SKUs first: P(carry) = min(0.95, c * sqrt(popularity)), c set for the mean."""
    if mean_share <= 0:
        return np.zeros_like(popularity)
    root = np.sqrt(popularity)
    low, high = 0.0, 1.0 / root.min()
    for _ in range(60):
        c = (low + high) / 2
        if np.minimum(0.95, c * root).mean() < mean_share:
            low = c
        else:
            high = c
    return np.minimum(0.95, low * root)
