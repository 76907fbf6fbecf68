"""The plan validator accepts the engine's plans and catches every kind of broken plan."""

from __future__ import annotations

from dataclasses import replace

import pytest

from benchmarks.generator import generate
from sourcing_engine import NetworkIndex, Plan, source
from sourcing_engine.ledger import StockLedger
from sourcing_engine.model import Order
from sourcing_engine.plan import PlannedLine, Shipment
from sourcing_engine.validate import violations

INSTANCE = generate("tiny", seed=1)


def planned(predicate) -> tuple[Order, Plan]:
    index = NetworkIndex(INSTANCE.network)
    for order in INSTANCE.orders:
        plan = source(order, index)
        if predicate(order, plan):
            return order, plan
    raise AssertionError("no order in the tiny instance fits the test")


def with_shipments(plan: Plan, shipments: list[Shipment]) -> Plan:
    return replace(plan, shipments=shipments)


@pytest.mark.parametrize("strategy", ["optimal", "priority", "distance", "consolidating"])
def test_every_plan_of_every_strategy_on_tiny_is_valid(strategy: str) -> None:
    index, ledger = NetworkIndex(INSTANCE.network), StockLedger(INSTANCE.network)
    for order in INSTANCE.orders:
        assert violations(source(order, index, strategy), order, ledger) == []


def test_a_lost_unit_is_caught() -> None:
    order, plan = planned(lambda o, p: p.shipments)
    first = plan.shipments[0]
    line = first.lines[0]
    shorter = replace(first, lines=(replace(line, quantity=line.quantity - 1), *first.lines[1:]))
    problems = violations(with_shipments(plan, [shorter, *plan.shipments[1:]]), order, StockLedger(INSTANCE.network))
    assert any("accounted for" in p for p in problems)


def test_a_unit_counted_twice_is_caught() -> None:
    order, plan = planned(lambda o, p: p.physical_shipments)
    doubled = [*plan.shipments, plan.shipments[0]]
    problems = violations(with_shipments(plan, doubled), order, StockLedger(INSTANCE.network))
    assert any("accounted for" in p for p in problems)


def test_taking_more_than_a_source_has_is_caught() -> None:
    order, plan = planned(lambda o, p: p.physical_shipments)
    ledger = StockLedger(INSTANCE.network)
    shipment = plan.physical_shipments[0]
    ledger.take([(shipment.source, shipment.lines[0].sku, 10**6)])
    assert any("gives" in p for p in violations(plan, order, ledger))


def test_a_split_bundle_is_caught() -> None:
    order, plan = planned(lambda o, p: any(ln.bundle for ln in o.lines) and p.physical_shipments)
    kit = {ln.id for ln in order.lines if ln.bundle}
    carrier = next(s for s in plan.shipments if any(pl.line_id in kit for pl in s.lines))
    moved = [pl for pl in carrier.lines if pl.line_id in kit][:1]
    kept = tuple(pl for pl in carrier.lines if pl not in moved)
    other = replace(carrier, source="WH-02" if carrier.source != "WH-02" else "WH-01", lines=tuple(moved))
    split = [s for s in plan.shipments if s is not carrier] + [replace(carrier, lines=kept), other]
    assert any("split" in p for p in violations(with_shipments(plan, split), order, StockLedger(INSTANCE.network)))


def test_a_wrong_cost_is_caught() -> None:
    order, plan = planned(lambda o, p: p.physical_shipments)
    dearer = [replace(plan.shipments[0], cost=plan.shipments[0].cost + 1.0), *plan.shipments[1:]]
    assert any("formula" in p for p in violations(with_shipments(plan, dearer), order, StockLedger(INSTANCE.network)))


def test_shipping_home_from_a_source_without_the_ship_capability_is_caught() -> None:
    order, plan = planned(lambda o, p: o.delivery.method == "ship" and p.physical_shipments)
    shipper = plan.physical_shipments[0].source
    sources = [
        replace(s, capabilities=frozenset({"pickup"})) if s.code == shipper else s for s in INSTANCE.network.sources
    ]
    problems = violations(plan, order, StockLedger(replace(INSTANCE.network, sources=sources)))
    assert any("lacks the ship capability" in p for p in problems)


def test_a_virtual_line_in_a_parcel_is_caught() -> None:
    order, plan = planned(lambda o, p: p.physical_shipments)
    shipment = plan.physical_shipments[0]
    line = shipment.lines[0]
    virtual = [replace(shipment, kind="virtual", cost=0.0), *plan.shipments[1:]]
    problems = violations(with_shipments(plan, virtual), order, StockLedger(INSTANCE.network))
    assert any(f"line {line.line_id!r} (physical) is in a virtual shipment" in p for p in problems)


def test_a_line_that_is_not_in_the_order_is_caught() -> None:
    order, plan = planned(lambda o, p: p.physical_shipments)
    stray = Shipment("WH-01", "ship", "customer", (PlannedLine("99", "SKU-00001", 1),), 0.0)
    problems = violations(with_shipments(plan, [*plan.shipments, stray]), order, StockLedger(INSTANCE.network))
    assert any("not in the order" in p for p in problems)
