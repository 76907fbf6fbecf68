"""The generator's parameters and the named presets built from them.

Every parameter says what it controls and which stylized fact of omnichannel
retail it is set from; docs/benchmark-generator.md gives the sources and the
reasoning.  The values were chosen before any benchmark ran and are not tuned
towards a result: change them to study a different business, not to move a
figure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class CostModel:
    """Shipping cost of one source type: fixed per parcel, per km, per unit picked."""

    fixed: float
    per_km: float
    per_unit: float


@dataclass(frozen=True, slots=True)
class Params:
    # --- network -------------------------------------------------------
    region: str = "us"  # city table: "us" (contiguous US) or "eu"
    warehouses: int = 6
    stores: int = 44
    dropshippers: int = 0
    warehouse_spacing_km: float = 500.0  # DCs sit at large cities, spread to cover the country
    store_jitter_km: float = 6.0  # stores scatter around their city's centre
    disabled_share: float = 0.04  # stores/drop-shippers closed for stocktake or refit
    store_ship_share: float = 0.8  # stores that ship from store
    store_pickup_share: float = 0.95  # stores that offer click & collect
    store_transfer_share: float = 0.1  # stores that may ship to another store
    warehouse_cost: CostModel = CostModel(fixed=6.0, per_km=0.0015, per_unit=0.6)
    store_cost: CostModel = CostModel(fixed=7.0, per_km=0.0015, per_unit=1.8)
    dropship_cost: CostModel = CostModel(fixed=8.5, per_km=0.0015, per_unit=0.9)
    cost_jitter: float = 0.10  # +-10 % per source: carrier contracts and labour rates differ
    # --- catalogue -----------------------------------------------------
    skus: int = 2000
    zipf_s: float = 1.0  # popularity of the k-th SKU ~ k^-s
    virtual_share: float = 0.015  # gift cards, warranties, downloads
    unlimited_share: float = 0.02  # drop-shipped or made to order: unlimited at the holder
    backorder_share: float = 0.03  # pre-orders that may be backordered
    fragile_share: float = 0.08
    bulky_share: float = 0.04
    hazmat_share: float = 0.01
    kits_per_1000_skus: float = 20.0  # kits (bundles) offered, each a fixed set of SKUs
    # --- stock ---------------------------------------------------------
    cover: float = 3.0  # network sellable stock / expected demand over the horizon, per SKU
    horizon_orders: int | None = 1000  # None: the instance's own number of orders (a stream)
    min_network_units: int = 2  # even the slowest SKU keeps a couple of units somewhere
    warehouse_stock_share: float = 0.6  # share of a SKU's network stock held in DCs
    warehouse_assortment: float = 0.9  # share of the catalogue each DC carries
    store_assortment: float = 0.25  # mean share of the catalogue a store carries (popular first)
    store_safety_stock: int = 1  # display unit held back at each store row
    reserved_share: float = 0.05  # stock rows with units already reserved by open orders
    # --- orders --------------------------------------------------------
    orders: int = 1000
    line_p: float = 0.5  # lines per order: 1 + geometric(p), truncated at max_lines
    max_lines: int = 8
    large_share: float = 0.0  # share of B2B/replenishment orders in the large stratum
    large_lines: tuple[int, int] = (50, 200)
    quantity_probs: tuple[float, ...] = (0.75, 0.18, 0.07)  # P(quantity = 1, 2, 3)
    bundle_share: float = 0.2  # orders that contain one kit
    bundle_lines: tuple[int, int] = (2, 3)  # lines per kit
    pickup_share: float = 0.10  # buy online, pick up in store
    preshipped_share: float = 0.02  # orders with one line already handed over in a store
    customer_jitter_km: float = 8.0
    stream: bool = False  # orders deplete stock one after another
    orders_per_hour: float = 400.0  # mean arrival rate of a stream (diurnal profile on top)
    # --- rules ---------------------------------------------------------
    rules: tuple[str, ...] = ()  # cookbook rule files applied to every order (needs rules_dsl)


PRESETS: dict[str, Params] = {
    # For tests: small enough to solve exactly many times a second.
    "tiny": Params(warehouses=2, stores=8, skus=60, orders=40, horizon_orders=200, max_lines=6),
    # The engine benchmark (benchmarks.sourcing): 50 sources, 1-8 lines, 20 % bundles of 2-3 lines, 10 % pickup.
    "typical": Params(),
    # A national chain: 500 sources, up to 20 lines, a 2 % stratum of 50-200 line orders.
    "large": Params(
        warehouses=12, stores=480, dropshippers=8, skus=5000, orders=300, max_lines=20,
        large_share=0.02, bundle_share=0.15, bundle_lines=(2, 4), store_assortment=0.12,
    ),
    # Peak season: network stock about equal to the stream's demand; orders deplete it in turn.
    "scarce": Params(cover=1.0, horizon_orders=None, stream=True, orders=1000, bundle_share=0.2, bundle_lines=(2, 4)),
    # The typical business with the rules cookbook applied to every order.
    "rules": Params(orders=500, rules=("*",)),
}

QUICK_ORDERS = {"tiny": 40, "typical": 150, "large": 25, "scarce": 150, "rules": 100}


def preset(name: str, orders: int | None = None) -> Params:
    if name not in PRESETS:
        raise KeyError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    params = PRESETS[name]
    return params if orders is None else replace(params, orders=orders)


# --- the `scale` preset: large networks, small and large orders (benchmarks/scale.py) ---------------

# A national chain's network: DCs carrying 90 % of a 1,000-SKU catalogue, stores in proportion to
# population carrying 3 % of it on average (the best sellers in most stores, the long tail in few:
# a popular SKU is held by hundreds of stores), a few drop-shippers.  About 37,000 stock rows at
# 1,000 sources, 11,000 at 200.
SCALE_NETWORKS: dict[int, Params] = {
    200: Params(warehouses=6, stores=190, dropshippers=4, skus=1000, store_assortment=0.03, horizon_orders=1000,
                bundle_lines=(2, 4)),
    1000: Params(warehouses=10, stores=982, dropshippers=8, skus=1000, store_assortment=0.03, horizon_orders=5000,
                 bundle_lines=(2, 4)),
}
# Order mixes: consumer orders (1-8 lines) and B2B replenishment orders (20-50 lines, log-uniform);
# both with 20 % bundles of 2-4 lines and 10 % pickup in store.
SCALE_ORDERS: dict[str, dict[str, object]] = {
    "1-8": {"max_lines": 8, "large_share": 0.0},
    "20-50": {"max_lines": 8, "large_share": 1.0, "large_lines": (20, 50)},
}
SCALE_ORDER_COUNT = 40
