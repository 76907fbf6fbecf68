"""``source_wave``: valid per order and for the shared stock, fair, never worse than one by one."""

from __future__ import annotations

import dataclasses
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.cli import main
from sourcing_engine import (
    Costs,
    CostTerm,
    Delivery,
    Directives,
    InputError,
    Location,
    Network,
    Order,
    OrderLine,
    Settings,
    Source,
    SourceFilter,
    StockRow,
)
from sourcing_engine.geo import distance_km
from sourcing_engine.wave import source_wave
from sourcing_engine.wave_check import wave_violations
from tests.engine_strategies import networks, orders

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def waves(draw: st.DrawFn) -> tuple[Network, list[Order]]:
    network = draw(networks(max_sources=4))
    count = draw(st.integers(1, 6))
    wave = [dataclasses.replace(draw(orders(network, max_lines=3)), id=f"ORD-{i}") for i in range(count)]
    return network, wave


@st.composite
def directed_waves(draw: st.DrawFn) -> tuple[Network, list[Order], dict[str, Directives]]:
    """Waves whose orders carry the rules' kind of directives: exclusions, costs, limits, split penalty."""
    network, wave = draw(waves())
    n = len(network.sources)
    mask = st.lists(st.booleans(), min_size=n, max_size=n).map(lambda bits: np.array(bits, dtype=bool))
    directives = {}
    for order in wave:
        lines = st.one_of(st.none(), st.sets(st.sampled_from([ln.id for ln in order.lines]), min_size=1).map(frozenset))
        directives[order.id] = Directives(
            excludes=draw(st.lists(st.builds(SourceFilter, mask, st.just("no-go"), lines), max_size=1)),
            cost_terms=draw(
                st.lists(
                    st.builds(
                        CostTerm,
                        st.sampled_from([-2.5, 0.4, 3.0]),
                        st.sampled_from(["shipment", "unit"]),
                        mask,
                        st.just("pref"),
                        lines,
                    ),
                    max_size=2,
                )
            ),
            settings=Settings(
                max_shipments=draw(st.one_of(st.none(), st.integers(1, 2))),
                split_penalty=draw(st.sampled_from([0.0, 5.0])),
                partial=draw(st.sampled_from(["ship", "ship", "hold"])),
            ),
        )
    return network, wave, directives


@PROPERTY
@given(case=directed_waves())
def test_waves_obey_each_orders_directives_and_stay_fair(case) -> None:
    network, wave, directives = case
    result = source_wave(wave, network, directives=directives, time_limit=5)
    assert wave_violations(result, wave, network, rules_applied=True) == []
    assert result.worse_off() == []
    totals, seq = result.totals, result.sequential_totals
    assert totals.units >= seq.units
    if totals.units == seq.units:
        assert totals.objective <= seq.objective + 1e-6
    codes = [s.code for s in network.sources]
    for order, plan in zip(wave, result.plans, strict=True):
        limit = directives[order.id].settings.max_shipments
        assert limit is None or len(plan.physical_shipments) <= limit
        for shipment in plan.physical_shipments:
            for planned in shipment.lines:
                for flt in directives[order.id].excludes:
                    if flt.lines is None or planned.line_id in flt.lines:
                        assert not flt.sources[codes.index(shipment.source)], "an excluded source was used"


@PROPERTY
@given(case=waves())
def test_every_wave_plan_is_valid_fair_and_never_worse_than_one_by_one(case) -> None:
    network, wave = case
    result = source_wave(wave, network, time_limit=5)
    assert wave_violations(result, wave, network) == []
    assert result.worse_off() == []
    for plan, seq in zip(result.plans, result.sequential, strict=True):
        assert plan.filled_units >= seq.filled_units
    totals, seq = result.totals, result.sequential_totals
    assert totals.units >= seq.units
    if totals.units == seq.units:
        assert totals.objective <= seq.objective + 1e-6


def _source(code: str, lat: float, lon: float, fixed: float, per_unit: float) -> Source:
    return Source(code=code, location=Location(lat, lon), costs=Costs(fixed=fixed, per_km=0.01, per_unit=per_unit))


def _ship(order_id: str, lat: float, lon: float, *lines: tuple[str, int]) -> Order:
    return Order(
        id=order_id,
        delivery=Delivery("ship", address=Location(lat, lon)),
        lines=tuple(OrderLine(id=str(i + 1), sku=sku, quantity=q) for i, (sku, q) in enumerate(lines)),
    )


@st.composite
def small_waves(draw: st.DrawFn) -> tuple[Network, list[Order]]:
    srcs = [
        _source(
            f"S{i}",
            draw(st.floats(47, 54)),
            draw(st.floats(6, 14)),
            draw(st.sampled_from([0.0, 3.0, 6.0])),
            draw(st.sampled_from([0.1, 0.5, 1.0])),
        )
        for i in range(draw(st.integers(1, 3)))
    ]
    stock = [StockRow(s.code, sku, on_hand=draw(st.integers(0, 3))) for s in srcs for sku in ("A", "B")]
    wave = [
        _ship(
            f"O{i}",
            draw(st.floats(47, 54)),
            draw(st.floats(6, 14)),
            *[(draw(st.sampled_from("AB")), draw(st.integers(1, 2))) for _ in range(draw(st.integers(1, 2)))],
        )
        for i in range(draw(st.integers(2, 3)))
    ]
    return Network(srcs, [], stock), wave


def brute_force(network: Network, wave: list[Order], floor: list[int]) -> tuple[int, float]:
    """The most units, then the lowest cost, over every joint plan that gives each order its floor."""
    sources = {s.code: s for s in network.sources}
    avail = {(r.source, r.sku): r.available for r in network.stock}
    per_order = [list(_order_options(order, list(sources))) for order in wave]
    best: tuple[int, float] | None = None
    for choice in itertools.product(*per_order):
        used: dict[tuple[str, str], int] = {}
        for order, takes in zip(wave, choice, strict=True):
            for (line_id, code), qty in takes.items():
                sku = next(line.sku for line in order.lines if line.id == line_id)
                used[(code, sku)] = used.get((code, sku), 0) + qty
        if any(qty > avail.get(key, 0) for key, qty in used.items()):
            continue
        fills = [sum(takes.values()) for takes in choice]
        if any(f < least for f, least in zip(fills, floor, strict=True)):
            continue
        cost = sum(_cost(order, takes, sources) for order, takes in zip(wave, choice, strict=True))
        key = (sum(fills), cost)
        if best is None or key[0] > best[0] or (key[0] == best[0] and key[1] < best[1] - 1e-9):
            best = key
    assert best is not None
    return best


def _order_options(order: Order, codes: list[str]):
    per_line = []
    for line in order.lines:
        splits = [s for s in itertools.product(range(line.quantity + 1), repeat=len(codes)) if sum(s) <= line.quantity]
        per_line.append([{(line.id, c): q for c, q in zip(codes, split, strict=True) if q} for split in splits])
    for combo in itertools.product(*per_line):
        merged: dict[tuple[str, str], int] = {}
        for part in combo:
            merged.update(part)
        yield merged


def _cost(order: Order, takes: dict[tuple[str, str], int], sources: dict[str, Source]) -> float:
    units: dict[str, int] = {}
    for (_, code), qty in takes.items():
        units[code] = units.get(code, 0) + qty
    dest = order.delivery.address
    total = 0.0
    for code, n in units.items():
        s = sources[code]
        km = distance_km(s.location.lat, s.location.lon, dest.lat, dest.lon)
        total += s.costs.fixed + s.costs.per_km * km + s.costs.per_unit * n
    return total


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=small_waves())
def test_small_waves_equal_the_brute_force_optimum(case) -> None:
    network, wave = case
    result = source_wave(wave, network, time_limit=10, workers=1)
    fill, cost = brute_force(network, wave, [p.filled_units for p in result.sequential])
    assert result.totals.units == fill
    assert result.totals.objective == pytest.approx(cost, abs=1e-6)


def test_a_wave_leaves_the_scarce_stock_to_the_order_that_has_no_other_choice() -> None:
    # The first order could take A at S-NEAR or S-FAR; the second's kit (A + B) only at S-NEAR.
    network = Network(
        [_source("S-NEAR", 52.5, 13.4, 4.0, 0.5), _source("S-FAR", 48.1, 11.6, 4.0, 0.5)],
        [],
        [StockRow("S-NEAR", "A", on_hand=1), StockRow("S-FAR", "A", on_hand=1), StockRow("S-NEAR", "B", on_hand=1)],
    )
    first = _ship("O1", 52.5, 13.4, ("A", 1))
    kit = _ship("O2", 52.5, 13.4, ("A", 1), ("B", 1))
    second = dataclasses.replace(kit, lines=tuple(dataclasses.replace(line, bundle="K") for line in kit.lines))
    result = source_wave([first, second], network)
    assert [p.filled_units for p in result.sequential] == [1, 0]
    assert [p.filled_units for p in result.plans] == [1, 2]
    assert result.plans[0].shipments[0].source == "S-FAR"
    assert result.summary()["more_units"] == 2
    assert result.stats.proven


def test_orders_that_compete_for_nothing_keep_their_one_by_one_plan() -> None:
    network = Network(
        [_source("S1", 52.5, 13.4, 4.0, 0.5)], [], [StockRow("S1", "A", on_hand=9), StockRow("S1", "B", on_hand=9)]
    )
    wave = [_ship("O1", 50, 10, ("A", 2)), _ship("O2", 51, 11, ("B", 3))]
    result = source_wave(wave, network)
    assert result.stats.groups == []
    assert all(p is s for p, s in zip(result.plans, result.sequential, strict=True))


def test_a_group_larger_than_the_limit_is_solved_in_chunks_by_age_and_stays_fair() -> None:
    network = Network(
        [_source("S1", 52.5, 13.4, 4.0, 0.5), _source("S2", 48.1, 11.6, 4.0, 0.5)],
        [],
        [StockRow("S1", "A", on_hand=3), StockRow("S2", "A", on_hand=2), StockRow("S1", "B", on_hand=2)],
    )
    wave = [_ship(f"O{i}", 52.5, 13.4, ("A", 1), ("B", 1) if i % 2 else ("A", 1)) for i in range(6)]
    result = source_wave(wave, network, max_group_size=2)
    assert len(result.stats.groups) >= 2
    assert all(len(g.orders) <= 2 for g in result.stats.groups)
    assert any(g.split for g in result.stats.groups)
    assert not result.stats.proven, "chunks are proven for their part only, not the group"
    assert wave_violations(result, wave, network) == []
    assert result.worse_off() == []


def test_a_wave_refuses_the_same_order_twice() -> None:
    network = Network([_source("S1", 52.5, 13.4, 4.0, 0.5)], [], [])
    order = _ship("O1", 50, 10, ("A", 1))
    with pytest.raises(InputError, match="duplicate order id"):
        source_wave([order, order], network)


def test_oms_source_wave_prints_plans_and_a_summary_against_one_by_one(tmp_path: Path) -> None:
    network = {
        "sources": [
            {
                "code": "S-NEAR",
                "location": {"lat": 52.5, "lon": 13.4},
                "costs": {"fixed": 4, "per_km": 0.01, "per_unit": 0.5},
            },
            {
                "code": "S-FAR",
                "location": {"lat": 48.1, "lon": 11.6},
                "costs": {"fixed": 4, "per_km": 0.01, "per_unit": 0.5},
            },
        ],
        "stock": [
            {"source": "S-NEAR", "sku": "A", "on_hand": 1},
            {"source": "S-FAR", "sku": "A", "on_hand": 1},
            {"source": "S-NEAR", "sku": "B", "on_hand": 1},
        ],
    }
    ship = {"method": "ship", "address": {"lat": 52.5, "lon": 13.4}}
    lines = [
        {"id": "O1", "delivery": ship, "lines": [{"id": "1", "sku": "A", "quantity": 1}]},
        {
            "id": "O2",
            "delivery": ship,
            "lines": [
                {"id": "1", "sku": "A", "quantity": 1, "bundle": "K"},
                {"id": "2", "sku": "B", "quantity": 1, "bundle": "K"},
            ],
        },
    ]
    (tmp_path / "n.json").write_text(json.dumps(network))
    (tmp_path / "o.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    result = CliRunner().invoke(
        main, ["source", "--network", str(tmp_path / "n.json"), "--orders", str(tmp_path / "o.jsonl"), "--wave"]
    )
    assert result.exit_code == 0, result.output
    plans = [json.loads(line) for line in result.stdout.splitlines()]
    assert [p["order_id"] for p in plans] == ["O1", "O2"]
    assert plans[1]["unsourced"] == []
    assert "3 units (one by one 1)" in result.stderr
    assert "0 orders worse off" in result.stderr


def test_oms_source_wave_needs_orders_not_one_order(tmp_path: Path) -> None:
    (tmp_path / "n.json").write_text(json.dumps({"sources": [], "stock": []}))
    (tmp_path / "o.json").write_text(
        json.dumps(
            {
                "id": "O",
                "delivery": {"method": "ship", "address": {"lat": 1, "lon": 1}},
                "lines": [{"id": "1", "sku": "A", "quantity": 1}],
            }
        )
    )
    result = CliRunner().invoke(
        main, ["source", "--network", str(tmp_path / "n.json"), "--order", str(tmp_path / "o.json"), "--wave"]
    )
    assert result.exit_code == 2
    assert "--wave" in result.stderr


@settings(max_examples=60, deadline=None)
@given(
    value=st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(min_value=-(2**64), max_value=2**64),
        st.just(1e-7),
    )
)
def test_wave_options_out_of_bounds_are_refused_naming_the_option(value) -> None:
    network = Network([_source("S1", 52.5, 13.4, 4.0, 0.5)], [], [StockRow("S1", "A", on_hand=1)])
    wave = [_ship("O1", 50, 10, ("A", 1))]
    for option in ("time_limit", "workers", "max_group_size"):
        try:
            result = source_wave(wave, network, **{option: value})
        except InputError as err:
            assert err.path == option
        else:
            assert result.worse_off() == []


def test_a_wave_moves_an_order_to_its_second_best_source_so_that_the_next_one_ships_in_one_parcel() -> None:
    # O1 wants A and is as well served from S-MID as from S-NEAR; O2 wants A and B, and only S-NEAR
    # holds both.  One by one, O1 takes S-NEAR's A and O2 ships in two parcels; the wave does better.
    network = Network(
        [
            _source("S-NEAR", 52.52, 13.40, 6.0, 0.5),
            _source("S-MID", 52.40, 13.06, 6.0, 0.5),
            _source("S-FAR", 48.14, 11.58, 6.0, 0.5),
        ],
        [],
        [
            StockRow("S-NEAR", "A", on_hand=1),
            StockRow("S-NEAR", "B", on_hand=1),
            StockRow("S-MID", "A", on_hand=1),
            StockRow("S-FAR", "A", on_hand=1),
            StockRow("S-FAR", "B", on_hand=1),
        ],
    )
    wave = [_ship("O1", 52.52, 13.40, ("A", 1)), _ship("O2", 52.52, 13.40, ("A", 1), ("B", 1))]
    result = source_wave(wave, network, time_limit=10)
    fill, cost = brute_force(network, wave, [p.filled_units for p in result.sequential])
    assert [p.filled_units for p in result.sequential] == [1, 2]
    assert result.sequential_totals.objective > cost + 1.0, "one by one is not optimal here"
    assert result.totals.units == fill == 3
    assert result.totals.objective == pytest.approx(cost, abs=1e-6)
    assert [s.source for s in result.plans[0].physical_shipments] == ["S-MID"]
    assert [s.source for s in result.plans[1].physical_shipments] == ["S-NEAR"]
    assert result.stats.proven


@PROPERTY
@given(case=directed_waves())
def test_the_neighbourhood_search_keeps_waves_valid_fair_and_never_worse(case) -> None:
    network, wave, directives = case
    with pytest.MonkeyPatch.context() as patch:
        # Search every group by neighbourhoods of two orders, however small the group.
        patch.setattr("sourcing_engine.wave_solve.SEARCH_FROM_ORDERS", 2)
        patch.setattr("sourcing_engine.wave_solve.SEARCH_FROM_VARIABLES", 0)
        patch.setattr("sourcing_engine.wave_lns.FIRST_SIZE", 2)
        result = source_wave(wave, network, directives=directives, time_limit=5)
    assert wave_violations(result, wave, network, rules_applied=True) == []
    assert result.worse_off() == []
    totals, seq = result.totals, result.sequential_totals
    assert totals.units >= seq.units
    if totals.units == seq.units:
        assert totals.objective <= seq.objective + 1e-6


def test_the_neighbourhood_search_alone_finds_the_joint_optimum_of_a_small_group() -> None:
    network = Network(
        [_source("S-NEAR", 52.52, 13.40, 6.0, 0.5), _source("S-MID", 52.40, 13.06, 6.0, 0.5)],
        [],
        [StockRow("S-NEAR", "A", on_hand=1), StockRow("S-NEAR", "B", on_hand=1), StockRow("S-MID", "A", on_hand=1)],
    )
    wave = [_ship("O1", 52.52, 13.40, ("A", 1)), _ship("O2", 52.52, 13.40, ("A", 1), ("B", 1))]
    one_by_one = source_wave(wave, network, time_limit=5)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sourcing_engine.wave_solve.SEARCH_FROM_ORDERS", 2)
        patch.setattr("sourcing_engine.wave_solve.SEARCH_FROM_VARIABLES", 0)
        patch.setattr("sourcing_engine.wave_solve.SEARCH_SHARE", 1.0)  # no time left for the whole model
        result = source_wave(wave, network, time_limit=5)
    group = result.stats.groups[0]
    assert group.searched >= 1
    assert group.search_saving == pytest.approx(result.sequential_totals.objective - one_by_one.totals.objective)
    assert result.totals.objective == pytest.approx(one_by_one.totals.objective)
    assert result.totals.objective < result.sequential_totals.objective - 1.0
