"""Many threads placing orders for scarce stock at once: no oversell, no lost order, no deadlock."""

from __future__ import annotations

import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from oms.service.app import Oms
from oms.service.catalog import load_network
from oms.service.orders import place_order
from oms.service.views import stock_view
from tests.oms.builders import network, order
from tests.oms.invariants import check_invariants

THREADS = 8
ORDERS = 400
SKUS = ("A", "B", "C")
STOCKED = ("WH1", "WH2", "ST1")


def scarce_orders(seed: int = 7) -> tuple[list[dict], dict[str, int]]:
    rng = random.Random(seed)
    docs, demand = [], Counter()
    for n in range(ORDERS):
        skus = rng.sample(SKUS, rng.choice((1, 1, 2)))
        lines = [(sku, rng.choice((1, 1, 2))) for sku in skus]
        for sku, qty in lines:
            demand[sku] += qty
        docs.append(order(f"C{n}", *lines))
    return docs, demand


@pytest.mark.slow
def test_eight_threads_placing_orders_for_half_the_stock_allocate_it_exactly(app: Oms) -> None:
    docs, demand = scarce_orders()
    stock, total = {}, Counter()
    for sku in SKUS:
        half = demand[sku] // 2
        for i, source in enumerate(STOCKED):
            stock[(source, sku)] = half // 3 + (1 if i < half % 3 else 0)
            total[sku] += stock[(source, sku)]
    load_network(app, network(stock, channels=[{"code": "web", "sources": "*", "backorders": False}]))

    with ThreadPoolExecutor(THREADS) as pool:
        placed = list(pool.map(lambda doc: place_order(app, doc), docs))

    assert len({p.order_id for p in placed}) == ORDERS and all(p.created for p in placed)
    assert {p.status for p in placed} <= {"LOGISTICS", "CANCELLED"}
    rows = stock_view(app)["rows"]
    for sku in SKUS:
        assert sum(r["reserved"] for r in rows if r["sku"] == sku) == total[sku], f"{sku}: stock not allocated exactly"
    assert all(r["reserved"] <= r["on_hand"] for r in rows)
    check_invariants(app)
