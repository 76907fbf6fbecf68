"""The exception queue lists what waits too long, of every kind, with what is missing; SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from oms.errors import InvalidInput
from oms.service.catalog import load_network, set_ruleset
from oms.service.exceptions import exceptions_view
from oms.service.orders import flag_exceptions, place_order
from tests.oms.builders import network, order

CHANNELS = [{"code": "web", "sources": "*", "backorder_exception_days": 2}, {"code": "b2b", "sources": "*"}]


def test_units_waiting_past_the_channel_limit_are_exceptions_with_their_age_and_what_is_missing(app, clock):
    load_network(app, network({("WH1", "A"): 1, ("WH2", "B"): 1, ("WH1", "C"): 1}, channels=CHANNELS))
    set_ruleset(app, "web", "limits", "max-shipments-1")
    place_order(app, order("O1", ("C", 3)))  # backorderable: 1 ships, 2 wait for stock
    place_order(app, order("O2", ("A", 1, {"bundle": "K"}), ("B", 1, {"bundle": "K"})))  # no one source holds the kit
    place_order(app, order("O3", ("A", 1), ("B", 1)))  # A and B at two sources, one shipment allowed
    place_order(app, order("O4", ("C", 1), channel="b2b"))  # a channel without a limit
    assert exceptions_view(app) == []
    clock.advance(days=3)
    rows = exceptions_view(app)
    assert [(r["order_id"], r["kind"], r["units"]) for r in rows] == [
        ("O1", "backorder", 2),
        ("O2", "bundle_waiting", 2),
        ("O3", "shipment_limit", 1),
    ]
    backorder, bundle, limit = rows
    assert backorder["missing"] == "C: 2 wanted, 0 sellable" and backorder["age_days"] >= 3
    assert bundle["bundle"] == "K" and [ln["sku"] for ln in bundle["lines"]] == ["A", "B"]
    # O3 took the only A since; B is there, but not with an A
    assert bundle["missing"] == "A: 1 wanted, 0 sellable; B: 1 wanted, 1 sellable, at most 1 at one source"
    assert "not within the allowed number of shipments" in limit["missing"]
    assert not any(r["flagged"] for r in rows)
    flag_exceptions(app)
    assert all(r["flagged"] for r in exceptions_view(app))
    everything = exceptions_view(app, everything=True)
    assert [r["order_id"] for r in everything] == ["O1", "O2", "O3", "O4"]
    assert [r["order_id"] for r in exceptions_view(app, channel="b2b", everything=True)] == ["O4"]
    assert [r["order_id"] for r in exceptions_view(app, kind="bundle_waiting")] == ["O2"]


def test_an_unknown_kind_or_channel_is_refused_naming_the_valid_ones(app):
    load_network(app, network(channels=CHANNELS))
    with pytest.raises(InvalidInput, match="valid: backorder, bundle_waiting"):
        exceptions_view(app, kind="late")
    with pytest.raises(InvalidInput, match="unknown channel 'mars'"):
        exceptions_view(app, channel="mars")
