"""Lines that are not sourced like the others: virtual and pre-shipped ones.

Virtual lines never go in a physical shipment: they are delivered from a
source with stock when the product's stock is managed (MOM lets each SKU
choose), else from a source listing the SKU as unlimited, else from the
highest-priority enabled source.  Pre-shipped lines were already handed over
at their source: they are recorded there at no cost and consume no stock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sourcing_engine.model import OrderLine
from sourcing_engine.network_index import NetworkIndex
from sourcing_engine.plan import CUSTOMER, PlannedLine, Shipment

# source code -> planned lines
Grouped = dict[str, list[PlannedLine]]


@dataclass(slots=True)
class SpecialOutcome:
    shipments: list[Shipment] = field(default_factory=list)
    short: dict[str, int] = field(default_factory=dict)  # virtual line id -> units without a source
    no_source: set[str] = field(default_factory=set)  # virtual line ids with no enabled source at all


def is_virtual(line: OrderLine, index: NetworkIndex) -> bool:
    return line.preshipped_source is None and index.product(line.sku).type == "virtual"


def preshipped_shipments(lines: list[OrderLine]) -> list[Shipment]:
    grouped: Grouped = {}
    for line in lines:
        assert line.preshipped_source is not None
        grouped.setdefault(line.preshipped_source, []).append(PlannedLine(line.id, line.sku, line.quantity))
    return [Shipment(code, "preshipped", CUSTOMER, tuple(planned), 0.0) for code, planned in grouped.items()]


def virtual_shipments(lines: list[OrderLine], index: NetworkIndex) -> SpecialOutcome:
    outcome = SpecialOutcome()
    grouped: Grouped = {}
    enabled = [pos for pos in index.priority_order if index.enabled[pos]]
    taken: dict[tuple[str, int], int] = {}
    for line in lines:
        if not enabled:
            outcome.no_source.add(line.id)
            continue
        if index.product(line.sku).manage_stock:
            need = _take_managed(line, index, enabled, taken, grouped)
            if need:
                outcome.short[line.id] = need
        else:
            pos = _unmanaged_source(line, index, enabled)
            grouped.setdefault(index.codes[pos], []).append(PlannedLine(line.id, line.sku, line.quantity))
    destination = CUSTOMER
    outcome.shipments = [
        Shipment(code, "virtual", destination, tuple(planned), 0.0) for code, planned in grouped.items()
    ]
    return outcome


def _take_managed(
    line: OrderLine, index: NetworkIndex, enabled: list[int], taken: dict[tuple[str, int], int], grouped: Grouped
) -> int:
    avail = index.available(line.sku)
    need = line.quantity
    for pos in enabled:
        left = int(avail[pos]) - taken.get((line.sku, pos), 0)
        if left <= 0:
            continue
        qty = min(left, need)
        taken[(line.sku, pos)] = taken.get((line.sku, pos), 0) + qty
        grouped.setdefault(index.codes[pos], []).append(PlannedLine(line.id, line.sku, qty))
        need -= qty
        if need == 0:
            break
    return need


def _unmanaged_source(line: OrderLine, index: NetworkIndex, enabled: list[int]) -> int:
    listing = index.lists_unlimited(line.sku)
    for pos in enabled:
        if listing[pos]:
            return pos
    return enabled[0]
