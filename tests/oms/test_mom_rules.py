"""Where MOM's rules bound the OMS: one open ISPU request per order, bundles that split only when whole.

On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import pytest

from oms.errors import Refused
from oms.service import fulfillment as ff
from oms.service.catalog import load_network, set_ruleset
from oms.service.inventory import update_stock
from oms.service.orders import place_order, resource_waiting
from oms.service.views import order_view, stock_view
from tests.oms.builders import network, order
from tests.oms.invariants import check_invariants


def open_requests(app, number: str, method: str) -> list[dict]:
    reqs = order_view(app, number)["shipment_requests"]
    return [r for r in reqs if r["method"] == method and r["status"] not in ("SHIPPED", "COLLECTED", "CANCELLED")]


def units(app, number: str) -> list[dict[str, int]]:
    return [line["units"] for line in order_view(app, number)["lines"]]


def reserved(app, sku: str) -> int:
    return sum(r["reserved"] for r in stock_view(app, sku)["rows"])


def test_units_declined_in_store_come_back_on_the_one_open_ispu_request(app):
    load_network(app, network({("ST1", "A"): 2, ("WH1", "A"): 1, ("WH2", "A"): 5}))
    place_order(app, order("P1", ("A", 3), pickup="ST1"))
    [ispu] = open_requests(app, "P1", "ISPU")
    ff.decline(app, ispu["request_id"], {"1": 1}, note="shelf empty")
    [still] = open_requests(app, "P1", "ISPU")
    assert still["request_id"] == ispu["request_id"]
    assert sorted(i["status"] for i in still["items"]) == ["NEW", "PENDING_ARRIVAL", "PENDING_ARRIVAL"]
    assert len(open_requests(app, "P1", "STS")) == 2
    check_invariants(app)


def test_a_ready_pickup_waits_for_units_sourced_again_before_collection(app):
    load_network(app, network({("ST1", "A"): 2, ("WH1", "A"): 5}))
    place_order(app, order("P1", ("A", 2), pickup="ST1"))
    [ispu] = open_requests(app, "P1", "ISPU")
    ff.pick(app, ispu["request_id"])
    ff.decline(app, ispu["request_id"], {"1": 1}, note="damaged on the shelf")
    assert [r["request_id"] for r in open_requests(app, "P1", "ISPU")] == [ispu["request_id"]]
    [sts] = open_requests(app, "P1", "STS")
    with pytest.raises(Refused, match="not arrived"):
        ff.collect(app, ispu["request_id"])
    ff.ship(app, sts["request_id"], "internal", "T1")
    ff.receive(app, ispu["request_id"])
    with pytest.raises(Refused, match="not picked"):
        ff.collect(app, ispu["request_id"])
    ff.pick(app, ispu["request_id"])
    done = ff.collect(app, ispu["request_id"])
    assert (done.order_status, done.order_reason) == ("COMPLETE", "FULLYSHIPPED")
    assert units(app, "P1") == [{"SHIPPED": 2}]
    notes = [e["note"] for e in order_view(app, "P1")["timeline"] if e["to"] == "PICKDECLINED"]
    assert notes == ["damaged on the shelf"]
    check_invariants(app)


def test_a_bundle_does_not_split_while_one_of_its_lines_has_no_stock_anywhere(app):
    load_network(app, network({("WH1", "A"): 1}))
    set_ruleset(app, "web", "bundles", "split-after-1")
    kit = {"bundle": "K", "allow_backorder": True}
    place_order(app, order("O1", ("A", 1, kit), ("C", 1, kit)))
    for _ in range(3):
        update_stock(app, {"mode": "ADJUST", "source": "WH2", "items": [{"sku": "B", "quantity": 1}]})
        resource_waiting(app)
        assert units(app, "O1") == [{"NEW/BACKORDERED": 1}, {"NEW/BACKORDERED": 1}]
        assert reserved(app, "A") == 0  # no half kit holds stock
    assert order_view(app, "O1")["bundle_attempts"] == {"K": 4}
    update_stock(app, {"mode": "ADJUST", "source": "WH2", "items": [{"sku": "C", "quantity": 1}]})
    assert sorted(r["source"] for r in order_view(app, "O1")["shipment_requests"]) == ["WH1", "WH2"]
    check_invariants(app)


def test_bundle_attempts_are_counted_per_bundle_not_per_order(app):
    load_network(app, network({("WH1", "A"): 1, ("WH1", "B"): 1, ("WH2", "A"): 1, ("WH2", "C"): 1, ("ST1", "A"): 1}))
    set_ruleset(app, "web", "bundles", "split-after-2")
    place_order(app, order("O1", ("A", 1), ("B", 1, {"bundle": "K"}), ("C", 1, {"bundle": "K"})))
    for _ in range(2):  # the plain line is declined and sourced again twice: not the bundle's attempts
        [home] = [r for r in open_requests(app, "O1", "HOME") if r["items"][0]["line_id"] == "1"]
        ff.decline(app, home["request_id"])
    view = order_view(app, "O1")
    assert view["sourcing_attempts"] == 3 and view["bundle_attempts"] == {"K": 1}
    resource_waiting(app)
    assert units(app, "O1")[1:] == [{"NEW/BUNDLE_WAITING": 1}, {"NEW/BUNDLE_WAITING": 1}]
    resource_waiting(app)
    assert units(app, "O1")[1:] == [{"ALLOCATEDSHIP": 1}, {"ALLOCATEDSHIP": 1}]
    check_invariants(app)
