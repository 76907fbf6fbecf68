"""Stock messages (FULL, NONZERO, DELTA, ADJUST), their limits and history, sellable stock and low-stock events."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from oms.adapters import tables as t
from oms.errors import InvalidInput
from oms.schemas import MAX_STOCK_ITEMS
from oms.service.catalog import load_network
from oms.service.inventory import update_stock
from oms.service.orders import place_order
from oms.service.views import stock_history_view, stock_view
from tests.oms.builders import network, order
from tests.oms.invariants import check_invariants


def on_hand(app) -> dict[tuple[str, str], int]:
    return {(r["source"], r["sku"]): r["on_hand"] for r in stock_view(app)["rows"]}


def outbox(app, topic: str) -> list[dict]:
    with app.uow(readonly=True) as uow:
        return list(uow.session.scalars(select(t.outbox.c.payload).where(t.outbox.c.topic == topic)))


def test_snapshot_modes_set_listed_skus_and_treat_the_unlisted_as_moms_modes_say(app):
    load_network(app, network({("WH1", "A"): 5, ("WH1", "B"): 4, ("WH1", "C"): 3}))
    update_stock(app, {"mode": "DELTA", "source": "WH1", "items": [{"sku": "A", "quantity": 7}]})
    assert on_hand(app)[("WH1", "B")] == 4 and on_hand(app)[("WH1", "A")] == 7
    full = update_stock(app, {"mode": "FULL", "source": "WH1", "items": [{"sku": "A", "quantity": 6}]})
    assert on_hand(app)[("WH1", "B")] == 4 and len(full.warnings) == 2
    update_stock(app, {"mode": "DELTA", "source": "WH1", "items": [{"sku": "C", "quantity": 0, "unlimited": True}]})
    update_stock(app, {"mode": "NONZERO", "source": "WH1", "items": [{"sku": "A", "quantity": 2}]})
    stock = on_hand(app)
    assert (stock[("WH1", "A")], stock[("WH1", "B")]) == (2, 0)
    assert next(r for r in stock_view(app, "C")["rows"] if r["source"] == "WH1")["unlimited"]
    update_stock(
        app,
        {
            "mode": "ADJUST",
            "items": [{"source": "WH1", "sku": "A", "quantity": -1}, {"source": "WH2", "sku": "A", "quantity": 3}],
        },
    )
    assert on_hand(app)[("WH1", "A")] == 1 and on_hand(app)[("WH2", "A")] == 3
    causes = [h["cause"] for h in stock_history_view(app, "A")]
    assert causes[:4] == ["stock_adjust", "stock_adjust", "stock_nonzero", "stock_full"]


def test_a_message_over_the_item_limit_is_refused_whole(app):
    load_network(app, network({("WH1", "A"): 5}))
    items = [{"sku": f"S{i}", "quantity": 1} for i in range(MAX_STOCK_ITEMS + 1)]
    with pytest.raises(InvalidInput, match="at most 10000"):
        update_stock(app, {"mode": "DELTA", "source": "WH1", "items": items})
    assert on_hand(app) == {("WH1", "A"): 5}


@pytest.mark.parametrize("source", [["WH1"], {"code": "WH1"}, 7, True])
def test_an_item_whose_source_is_not_a_text_is_refused_by_name_not_crashed_on(app, source):
    load_network(app, network({("WH1", "A"): 5}))
    items = [{"sku": "A", "source": source, "quantity": 1}, {"sku": "A", "source": source, "quantity": 2}]
    with pytest.raises(InvalidInput) as refused:
        update_stock(app, {"mode": "DELTA", "items": items})
    assert {e.path for e in refused.value.errors} >= {"items[0].source", "items[1].source"}
    assert on_hand(app) == {("WH1", "A"): 5}


def test_bad_items_are_all_reported_and_nothing_is_applied(app):
    load_network(app, network({("WH1", "A"): 5}))
    with pytest.raises(InvalidInput) as caught:
        update_stock(
            app,
            {
                "mode": "DELTA",
                "source": "WH1",
                "items": [
                    {"sku": "A", "quantity": -2},
                    {"sku": "B", "quantity": "x"},
                    {"sku": "A", "quantity": 1, "source": "NOPE"},
                ],
            },
        )
    assert {e.path for e in caught.value.errors} == {"items[0].quantity", "items[1].quantity"}
    with pytest.raises(InvalidInput, match="unknown source 'NOPE'"):
        update_stock(
            app,
            {
                "mode": "DELTA",
                "items": [{"sku": "A", "quantity": 1, "source": "NOPE"}, {"sku": "A", "quantity": 9, "source": "WH1"}],
            },
        )
    assert on_hand(app) == {("WH1", "A"): 5}


def test_sellable_stock_sums_enabled_channel_sources_net_of_safety_and_reservations(app):
    doc = network(
        {("WH1", "A"): 5, ("WH2", "A"): 4, ("ST1", "A"): 2},
        channels=[{"code": "web", "sources": ["WH1", "WH2"]}, {"code": "store", "sources": ["ST1", "WH1"]}],
    )
    load_network(app, doc)
    update_stock(app, {"mode": "DELTA", "source": "WH1", "items": [{"sku": "A", "quantity": 5, "safety_stock": 1}]})
    place_order(app, order("O1", ("A", 2)))
    sellable = stock_view(app, "A")["sellable"]["A"]
    assert sellable == {"web": (5 - 1 - 2) + 4, "store": 2 + (5 - 1 - 2)}  # O1 took 2 at WH1, nearest to Berlin
    update_stock(app, {"mode": "DELTA", "source": "WH2", "items": [{"sku": "A", "quantity": 0, "unlimited": True}]})
    assert stock_view(app, "A")["sellable"]["A"]["web"] is None  # unlimited


def test_low_stock_is_announced_when_sellable_falls_under_the_threshold(app):
    doc = network({("WH1", "A"): 6}, channels=[{"code": "web", "sources": "*", "low_stock_threshold": 3}])
    load_network(app, doc)
    place_order(app, order("O1", ("A", 2)))
    assert outbox(app, "stock.low") == []
    place_order(app, order("O2", ("A", 2)))
    assert outbox(app, "stock.low") == [{"sku": "A", "channel": "web", "sellable": 2, "threshold": 3}]
    assert [e["sellable"]["web"] for e in outbox(app, "stock.updated")][-2:] == [4, 2]
    check_invariants(app)
