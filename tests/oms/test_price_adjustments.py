"""Price adjustments while a store picks: limits, a decrease refunded at once, and no change outside picking."""

from __future__ import annotations

from decimal import Decimal

import pytest

from oms.errors import InvalidInput, Refused
from oms.service import fulfillment as ff
from oms.service.catalog import load_network
from oms.service.orders import place_order
from oms.service.price_adjustments import adjust_price
from oms.service.refunds import list_refunds
from oms.service.views import order_view
from tests.oms.post_sales_support import line_money, paid_order, returns_network, topics

LINE = {"id": "1", "sku": "A", "quantity": 2, "unit_price": "20.00"}


def picked_at_store(app, adjustable: bool = True, **settings) -> int:
    doc = returns_network({("ST1", "A"): 5}, **settings)
    doc["products"] = [{"sku": "A", "price_adjustable": adjustable}]
    load_network(app, doc)
    place_order(app, paid_order("O1", [LINE]))
    [req] = order_view(app, "O1")["shipment_requests"]
    ff.acknowledge(app, req["request_id"])
    return req["request_id"]


def test_a_price_decrease_while_picking_refunds_the_difference_for_every_unit(app):
    picked_at_store(app)
    done = adjust_price(app, "O1", "web", "1", "15.00", "store")
    assert (done["old_price"], done["new_price"], done["difference"], done["source"]) == (
        "20.00",
        "15.00",
        "10.00",
        "ST1",
    )
    [refund] = list_refunds(app, "O1")
    assert (refund["amount"], refund["reason"], refund["status"]) == ("10.00", "PRICE_ADJUSTMENT", "released")
    assert line_money(app, "O1", "1")["refundable"] == Decimal("30.00")
    assert "price.decreased" in topics(app) and order_view(app, "O1")["price_adjustments"][0]["id"] == done["id"]


def test_a_price_change_beyond_the_channel_limits_is_refused_with_the_limit(app):
    picked_at_store(app, max_price_increase_pct=10, max_price_decrease_pct=20)
    with pytest.raises(Refused, match=r"limited to 10% \(at most 22.00 EUR\)"):
        adjust_price(app, "O1", "web", "1", "22.01", "store")
    with pytest.raises(Refused, match=r"limited to 20% \(at least 16.00 EUR\)"):
        adjust_price(app, "O1", "web", "1", "15.99", "store")
    increased = adjust_price(app, "O1", "web", "1", "22", "store")
    assert increased["difference"] == "-4.00" and list_refunds(app, "O1") == []
    assert "price.increased" in topics(app)


def test_prices_are_fixed_outside_store_picking_and_for_products_not_adjustable(app):
    request_id = picked_at_store(app, adjustable=False)
    with pytest.raises(Refused, match="not price_adjustable"):
        adjust_price(app, "O1", "web", "1", "15", "store")
    with pytest.raises(InvalidInput, match="price: has too many decimals"):
        adjust_price(app, "O1", "web", "1", "15.001", "store")
    ff.ship(app, request_id, "DHL", "T1")
    with pytest.raises(Refused):
        adjust_price(app, "O1", "web", "1", "15", "store")
