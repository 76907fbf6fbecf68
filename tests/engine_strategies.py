"""Hypothesis strategies for random networks and orders, small enough to reason about."""

from __future__ import annotations

from hypothesis import strategies as st

from sourcing_engine.model import (
    Costs,
    Delivery,
    Location,
    Network,
    Order,
    OrderLine,
    Product,
    Source,
    StockRow,
)

SKUS = ["A", "B", "C", "D"]
VIRTUAL_SKUS = ["V-MANAGED", "V-FREE"]


@st.composite
def sources(draw: st.DrawFn, count: int) -> list[Source]:
    out = []
    for i in range(count):
        kind = draw(st.sampled_from(["warehouse", "store", "dropship"]))
        caps = set(draw(st.sets(st.sampled_from(["ship", "pickup", "ship_to_store"]), min_size=1)))
        out.append(
            Source(
                code=f"S{i}",
                type=kind,
                location=Location(draw(st.floats(45, 55)), draw(st.floats(5, 15))),
                enabled=draw(st.booleans()) if i else True,
                priority=draw(st.integers(0, 3)),
                capabilities=frozenset(caps | ({"ship"} if i == 0 else set())),
                costs=Costs(
                    fixed=draw(st.sampled_from([0.0, 1.0, 4.5, 6.0])),
                    per_km=draw(st.sampled_from([0.0, 0.001, 0.002, 0.01])),
                    per_unit=draw(st.sampled_from([0.0, 0.25, 0.5, 1.2])),
                ),
                tags=frozenset(draw(st.sets(st.sampled_from(["eu", "city-center"])))),
            )
        )
    return out


@st.composite
def networks(draw: st.DrawFn, max_sources: int = 5) -> Network:
    srcs = draw(sources(draw(st.integers(1, max_sources))))
    stock = []
    for source in srcs:
        for sku in [*SKUS, "V-MANAGED"]:
            if draw(st.integers(0, 3)) != 0:
                stock.append(
                    StockRow(
                        source=source.code,
                        sku=sku,
                        on_hand=draw(st.integers(0, 8)),
                        reserved=draw(st.integers(0, 1)),
                        safety_stock=draw(st.integers(0, 1)),
                        unlimited=draw(st.booleans()) if draw(st.integers(0, 9)) == 0 else False,
                    )
                )
    products = [
        Product(sku="A", tags=frozenset({"fragile"})),
        Product(sku="B", backorders=draw(st.booleans())),
        Product(sku="C", manage_stock=draw(st.integers(0, 9)) != 0),
        Product(sku="V-MANAGED", type="virtual", manage_stock=True),
        Product(sku="V-FREE", type="virtual", manage_stock=False),
    ]
    return Network(sources=srcs, products=products, stock=stock)


@st.composite
def orders(draw: st.DrawFn, network: Network, max_lines: int = 4, max_qty: int = 4) -> Order:
    n = draw(st.integers(1, max_lines))
    pickup_stores = [s.code for s in network.sources if "pickup" in s.capabilities]
    pickup = bool(pickup_stores) and draw(st.integers(0, 3)) == 0
    lines = []
    for i in range(n):
        special = draw(st.integers(0, 9))
        sku = draw(st.sampled_from(VIRTUAL_SKUS)) if special == 0 else draw(st.sampled_from(SKUS))
        preshipped = draw(st.sampled_from([s.code for s in network.sources])) if special == 1 else None
        lines.append(
            OrderLine(
                id=str(i + 1),
                sku=sku,
                quantity=draw(st.integers(1, max_qty)),
                unit_price=draw(st.sampled_from([5.0, 20.0, 60.0])),
                bundle=draw(st.sampled_from([None, None, "K1", "K2"])),
                preshipped_source=preshipped,
                allow_backorder=draw(st.sampled_from([None, None, True, False])),
            )
        )
    if pickup:
        delivery = Delivery(method="pickup", pickup_source=draw(st.sampled_from(pickup_stores)))
    else:
        delivery = Delivery(method="ship", address=Location(draw(st.floats(45, 55)), draw(st.floats(5, 15))))
    return Order(id="ORD-H", delivery=delivery, lines=tuple(lines))


@st.composite
def instances(draw: st.DrawFn, max_sources: int = 5, max_lines: int = 4, max_qty: int = 4) -> tuple[Network, Order]:
    network = draw(networks(max_sources))
    return network, draw(orders(network, max_lines, max_qty))
