"""Sourcing waves in the OMS: batch channels' orders sourced together, recorded, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oms.domain.waves import MAX_INTERVAL, MAX_WAVE_SIZE, MIN_INTERVAL, WaveSettings
from oms.errors import InvalidInput, NotFound
from oms.service import waves as wave_service
from oms.service.catalog import load_network
from oms.service.inventory import update_stock
from oms.service.orders import place_order
from oms.service.views import order_view
from oms.service.wave_views import wave_view, waves_view
from oms.service.waves import batch_channels, run_wave
from tests.oms.builders import network, order
from tests.oms.invariants import check_invariants

BATCH = {"code": "web", "sources": "*", "sourcing_mode": "batch", "wave": {"interval_seconds": 60, "max_size": 50}}


def kit(number: str) -> dict:
    """An order whose two lines must come from one source."""
    return order(number, ("A", 1, {"bundle": "K"}), ("B", 1, {"bundle": "K"}))


def test_a_wave_sources_a_batch_channels_orders_together_and_better_than_one_by_one(app):
    # WH1 alone holds A and B together; WH2 holds A only.  One by one, O1 (the older) takes A at WH1
    # (nearer to Berlin) and O2's kit cannot ship; the wave sends O1's A from WH2 and ships both.
    load_network(app, network({("WH1", "A"): 1, ("WH1", "B"): 1, ("WH2", "A"): 1}, channels=[BATCH]))
    place_order(app, order("O1", ("A", 1)))
    place_order(app, kit("O2"))
    assert order_view(app, "O1")["status"] == "NEW"
    run = run_wave(app, "web", actor="test")
    assert run.status == "done" and run.orders == 2 and run.sourced == 2
    assert run.summary["more_units"] == 2 and run.summary["orders_worse_off"] == 0
    assert order_view(app, "O1")["lines"][0]["units"] == {"ALLOCATEDSHIP": 1}
    assert order_view(app, "O2")["status"] == "LOGISTICS"
    shown = wave_view(app, run.wave_id)
    assert shown["status"] == "done" and shown["units"] == 3 and shown["one_by_one_units"] == 1
    assert [o["order_id"] for o in shown["orders"]] == ["O1", "O2"] and all(o["applied"] for o in shown["orders"])
    assert shown["orders"][0]["plan"]["shipments"][0]["source"] == "WH2"
    timeline = order_view(app, "O2")["timeline"]
    assert any(e["entity"] == "wave" and e["id"] == str(run.wave_id) for e in timeline)
    check_invariants(app)


def test_a_second_wave_finds_nothing_left_to_source(app):
    load_network(app, network({("WH1", "A"): 5}, channels=[BATCH]))
    place_order(app, order("O1", ("A", 1)))
    assert run_wave(app, "web").status == "done"
    assert run_wave(app, "web").status == "empty"
    assert len(waves_view(app)) == 1
    check_invariants(app)


def test_the_same_wave_key_runs_once(app):
    load_network(app, network({("WH1", "A"): 5}, channels=[BATCH]))
    place_order(app, order("O1", ("A", 2)))
    first = run_wave(app, "web", key="task-1")
    place_order(app, order("O2", ("A", 1)))
    again = run_wave(app, "web", key="task-1")
    assert again.wave_id == first.wave_id and again.orders == 1
    assert order_view(app, "O2")["status"] == "NEW"
    check_invariants(app)


def test_a_wave_takes_at_most_the_channels_max_size_oldest_first(app, clock):
    small = {**BATCH, "wave": {"interval_seconds": 60, "max_size": 2}}
    load_network(app, network({("WH1", "A"): 9}, channels=[small]))
    for n in range(3):
        place_order(app, order(f"O{n}", ("A", 1)))
        clock.advance(seconds=1)
    run = run_wave(app, "web")
    assert run.orders == 2
    assert [order_view(app, f"O{n}")["status"] for n in range(3)] == ["LOGISTICS", "LOGISTICS", "NEW"]
    check_invariants(app)


def test_priority_sort_puts_urgent_orders_first(app, clock):
    urgent = {**BATCH, "wave": {"interval_seconds": 60, "max_size": 1, "sort": "priority"}}
    load_network(app, network({("WH1", "A"): 9}, channels=[urgent]))
    place_order(app, order("OLD", ("A", 1)))
    clock.advance(seconds=1)
    place_order(app, order("URGENT", ("A", 1), attributes={"priority": 5}))
    run_wave(app, "web")
    assert order_view(app, "URGENT")["status"] == "LOGISTICS" and order_view(app, "OLD")["status"] == "NEW"


def test_restock_reallocates_the_waiting_backorders_as_one_wave(app):
    load_network(app, network(channels=[{"code": "web", "sources": "*"}]))
    place_order(app, order("O1", ("C", 2)))
    place_order(app, order("O2", ("C", 2)))
    result = update_stock(app, {"mode": "ADJUST", "source": "WH2", "items": [{"sku": "C", "quantity": 3}]})
    assert result.resourced == 2
    assert order_view(app, "O1")["lines"][0]["units"] == {"ALLOCATEDSHIP": 2}
    assert order_view(app, "O2")["lines"][0]["units"] == {"ALLOCATEDSHIP": 1, "NEW/BACKORDERED": 1}
    [wave] = waves_view(app)
    assert wave["kind"] == "restock" and wave["orders"] == 2
    check_invariants(app)


def test_batch_channels_carry_their_wave_settings(app):
    load_network(app, network(channels=[BATCH, {"code": "shop", "sources": "*", "sourcing_mode": "batch"}]))
    settings = batch_channels(app)
    assert settings["web"].interval_seconds == 60 and settings["web"].max_size == 50
    assert settings["shop"].interval_seconds == 300  # the default


@pytest.mark.parametrize(
    ("wave", "field"),
    [
        ({"interval_seconds": 0}, "channels[0].wave.interval_seconds"),
        ({"interval_seconds": 2**63}, "channels[0].wave.interval_seconds"),
        ({"max_size": -1}, "channels[0].wave.max_size"),
        ({"max_size": 1e308}, "channels[0].wave.max_size"),
        ({"sort": "\x00"}, "channels[0].wave.sort"),
        ({"colour": "red"}, "channels[0].wave.colour"),
        ("often", "channels[0].wave"),
    ],
)
def test_bad_wave_settings_are_refused_naming_the_field(app, wave, field):
    with pytest.raises(InvalidInput) as err:
        load_network(app, network(channels=[{**BATCH, "wave": wave}]))
    assert field in [e.path for e in err.value.errors]


def test_wave_settings_on_a_direct_channel_are_refused(app):
    with pytest.raises(InvalidInput, match="batch channels"):
        load_network(app, network(channels=[{"code": "web", "sources": "*", "wave": {"max_size": 5}}]))


def test_an_unknown_channel_or_wave_is_not_found(app):
    load_network(app, network(channels=[BATCH]))
    place_order(app, order("O1", ("A", 1)))
    with pytest.raises(NotFound):
        run_wave(app, "nope")
    with pytest.raises(NotFound):
        wave_view(app, 999)


def test_a_wave_that_meets_concurrent_direct_sourcing_is_replanned_against_fresh_stock(app, monkeypatch):
    channels = [BATCH, {"code": "direct", "sources": "*"}]
    load_network(app, network({("WH1", "A"): 2, ("WH2", "A"): 1}, channels=channels))
    place_order(app, order("O1", ("A", 2)))
    place_order(app, order("O2", ("A", 1)))
    planned = wave_service._plan

    def plan_then_lose_the_stock(*args, **kw):  # type: ignore[no-untyped-def]
        result = planned(*args, **kw)
        place_order(app, order("D1", ("A", 2), channel="direct"))  # takes WH1's two units meanwhile
        return result

    monkeypatch.setattr(wave_service, "_plan", plan_then_lose_the_stock)
    run = run_wave(app, "web")
    assert run.status == "done"
    assert order_view(app, "D1")["lines"][0]["units"] == {"ALLOCATEDSHIP": 2}
    units = [order_view(app, n)["lines"][0]["units"] for n in ("O1", "O2")]
    assert sum(u.get("ALLOCATEDSHIP", 0) for u in units) == 1  # only WH2's unit was left
    assert wave_view(app, run.wave_id)["status"] == "done"
    check_invariants(app)


JSONISH = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.sampled_from(["age", "priority", "\x00", "\ud800", "x" * 10_000]),
    st.lists(st.integers(), max_size=2),
)


@settings(max_examples=200, deadline=None)
@given(doc=st.dictionaries(st.sampled_from(["interval_seconds", "max_size", "sort", "other"]), JSONISH))
def test_wave_settings_load_within_bounds_or_name_every_bad_field(doc):
    try:
        loaded = WaveSettings.load(doc)
    except InvalidInput as err:
        paths = {e.path for e in err.errors}
        assert paths and all(p.startswith("wave.") for p in paths)
        assert paths <= {f"wave.{k}" for k in doc}
    else:
        assert MIN_INTERVAL <= loaded.interval_seconds <= MAX_INTERVAL
        assert 1 <= loaded.max_size <= MAX_WAVE_SIZE
        assert loaded.sort in ("age", "priority")


def test_one_wave_per_channel_at_a_time_on_postgresql(app):
    load_network(app, network({("WH1", "A"): 5}, channels=[BATCH]))
    place_order(app, order("O1", ("A", 1)))
    with wave_service.channel_lock(app, "web") as held:  # as if another worker were running the wave
        assert held
        run = run_wave(app, "web")
    # SQLite serialises writers itself and takes no advisory lock; PostgreSQL answers busy at once.
    assert run.status == ("done" if app.db.is_sqlite else "busy")
    assert run_wave(app, "web").status == ("empty" if app.db.is_sqlite else "done")


def test_a_resumed_wave_skips_orders_sourced_meanwhile(app):
    from oms.service.orders import cancel_order

    load_network(app, network({("WH1", "A"): 5}, channels=[BATCH]))
    place_order(app, order("O1", ("A", 1)))
    place_order(app, order("O2", ("A", 1)))
    opened = wave_service.transact(
        app, lambda uow: wave_service._open(uow, "web", "channel", "k-1", None, "test", True)
    )  # a worker recorded the wave, then died before planning it
    assert opened is not None and len(opened[1]) == 2
    cancel_order(app, "O1")
    run = run_wave(app, "web", key="k-1")
    assert run.wave_id == opened[0] and run.sourced == 1
    shown = wave_view(app, run.wave_id)
    assert shown["status"] == "done" and all(o["applied"] for o in shown["orders"])
    assert order_view(app, "O2")["status"] == "LOGISTICS"
    check_invariants(app)
