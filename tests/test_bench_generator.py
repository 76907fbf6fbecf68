"""The benchmark generator: same seed, same instance; instances the contract accepts."""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.generator import generate, network_to_dict, order_to_dict
from benchmarks.presets import PRESETS
from sourcing_engine.model import PICKUP
from sourcing_engine.schemas import load_network, load_order

# tiny, seed 0: changes only if the generator (or numpy's PCG64 bit stream) changes.
TINY_SEED_0 = "a80d8b9630fece28"


def test_the_same_seed_gives_the_same_instance() -> None:
    assert generate("tiny", seed=3).fingerprint() == generate("tiny", seed=3).fingerprint()


def test_the_tiny_instance_for_seed_0_is_the_one_every_machine_gets() -> None:
    assert generate("tiny", seed=0).fingerprint() == TINY_SEED_0


def test_another_seed_gives_another_instance() -> None:
    assert generate("tiny", seed=1).fingerprint() != generate("tiny", seed=2).fingerprint()


def test_asking_for_more_orders_keeps_the_network_and_the_first_orders() -> None:
    short, long = generate("typical", seed=5, orders=20), generate("typical", seed=5, orders=60)
    assert network_to_dict(short.network) == network_to_dict(long.network)
    assert [order_to_dict(o) for o in short.orders] == [order_to_dict(o) for o in long.orders[:20]]


def test_a_network_loads_through_the_contract_schema_unchanged() -> None:
    network = generate("tiny", seed=1, orders=1).network
    loaded = load_network(network_to_dict(network))
    assert [(s.code, s.enabled, s.capabilities, s.costs) for s in loaded.sources] == [
        (s.code, s.enabled, s.capabilities, s.costs) for s in network.sources
    ]
    def rows(n):
        return [(r.source, r.sku, r.available) for r in n.stock]

    assert rows(loaded) == rows(network)


@pytest.mark.parametrize("name", ["tiny", "typical", "scarce"])
def test_orders_load_through_the_contract_schema_unchanged(name: str) -> None:
    for order in generate(name, seed=1, orders=50).orders:
        assert load_order(order_to_dict(order)).lines == order.lines


def test_the_typical_network_has_warehouses_stores_and_stock_where_it_should() -> None:
    instance = generate("typical", seed=1, orders=10)
    kinds = Counter(s.type for s in instance.network.sources)
    assert kinds == {"warehouse": 6, "store": 44}
    by_code = {s.code: s for s in instance.network.sources}
    for row in instance.network.stock:
        assert row.available >= 0
        if by_code[row.source].type == "store" and not row.unlimited:
            assert row.safety_stock == 1
    warehouse = next(s for s in instance.network.sources if s.type == "warehouse")
    store = next(s for s in instance.network.sources if s.type == "store")
    assert store.costs.per_unit > warehouse.costs.per_unit


def test_orders_follow_the_preset_shape() -> None:
    params = PRESETS["typical"]
    instance = generate("typical", seed=2, orders=600)
    sizes = [len(o.lines) for o in instance.orders]
    assert min(sizes) >= 1 and max(sizes) <= params.max_lines
    pickups = [o for o in instance.orders if o.delivery.method == PICKUP]
    bundled = [o for o in instance.orders if any(line.bundle for line in o.lines)]
    assert 0.05 < len(pickups) / 600 < 0.15
    assert 0.14 < len(bundled) / 600 < 0.26
    stores = {s.code: s for s in instance.network.sources}
    for order in pickups:
        assert PICKUP in stores[order.delivery.pickup_source].capabilities
    for order in bundled:
        kit = [line for line in order.lines if line.bundle]
        assert 2 <= len(kit) <= 3 and len({line.sku for line in kit}) == len(kit)
    for order in instance.orders:
        assert len({line.id for line in order.lines}) == len(order.lines)
        assert all(1 <= line.quantity <= 3 for line in order.lines)


def test_a_stream_arrives_in_time_order() -> None:
    orders = generate("scarce", seed=1, orders=200).orders
    times = [o.created_at for o in orders]
    assert times == sorted(times) and times[0] < times[-1]


def test_the_large_preset_has_a_stratum_of_very_large_orders() -> None:
    orders = generate("large", seed=1, orders=120).orders
    assert any(50 <= len(o.lines) <= 200 for o in orders)
    assert max(len(o.lines) for o in orders if len(o.lines) < 50) <= 20
