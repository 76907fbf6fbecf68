"""Where the rules language meets the engine: a compiled ruleset's verdict on one order as directives.

The rules package cannot know the engine's types (dependencies point from the
engine to the rules), so the engine hands it facts in the rules' terms and
translates the verdict back.  The sources' columns are built once per
network index and reused for every order sourced against it.
"""

from __future__ import annotations

import weakref

from rules_dsl import CompiledRuleset, LineFacts, OrderFacts, Placement, SourceRow, SourceTable, Verdict
from sourcing_engine.directives import CostTerm, Directives, Settings, SourceFilter
from sourcing_engine.geo import haversine_km
from sourcing_engine.model import PICKUP, Order
from sourcing_engine.network_index import NetworkIndex

_tables: weakref.WeakKeyDictionary[NetworkIndex, SourceTable] = weakref.WeakKeyDictionary()


def directives_for(rules: object, order: Order, index: NetworkIndex) -> Directives:
    if not isinstance(rules, CompiledRuleset):
        raise TypeError(f"rules must be a compiled ruleset (rules_dsl.load_file), not {type(rules).__name__}")
    return as_directives(verdict_for(rules, order, index))


def verdict_for(rules: CompiledRuleset, order: Order, index: NetworkIndex) -> Verdict:
    return rules.evaluate(order_facts(order, index), source_table(index), placement(order, index))


def source_table(index: NetworkIndex) -> SourceTable:
    table = _tables.get(index)
    if table is None:
        rows = [
            SourceRow(
                code=s.code,
                type=s.type,
                priority=s.priority,
                name=s.name,
                tags=s.tags,
                capabilities=s.capabilities,
                country=s.location.country,
                postcode=s.location.postcode,
                attributes=s.attributes,
            )
            for s in index.sources
        ]
        table = _tables[index] = SourceTable(rows)
    return table


def order_facts(order: Order, index: NetworkIndex) -> OrderFacts:
    """The order as rules read it; a pickup order's address is its pickup store's."""
    address = order.delivery.address
    if order.delivery.method == PICKUP and order.delivery.pickup_source in index.position:
        address = index.sources[index.position[order.delivery.pickup_source]].location
    lines = []
    for line in order.lines:
        product = index.product(line.sku)
        lines.append(
            LineFacts(
                id=line.id,
                sku=line.sku,
                quantity=line.quantity,
                unit_price=line.unit_price,
                bundle=line.bundle,
                product_type=product.type,
                product_tags=product.tags,
                attributes=line.attributes,
                product_attributes=product.attributes,
            )
        )
    return OrderFacts(
        id=order.id,
        lines=tuple(lines),
        channel=order.channel,
        created_at=order.created_at,
        delivery_method=order.delivery.method,
        pickup_source=order.delivery.pickup_source,
        country=address.country if address else None,
        postcode=address.postcode if address else None,
        attributes=order.attributes,
    )


def placement(order: Order, index: NetworkIndex) -> Placement:
    def distances():
        if order.delivery.method == PICKUP:
            store = index.position[order.delivery.pickup_source]
            lat, lon = index.lat[store], index.lon[store]
        else:
            lat, lon = order.delivery.address.lat, order.delivery.address.lon
        return haversine_km(lat, lon, index.lat, index.lon)

    return Placement(distance_km=distances, available=index.available)


def as_directives(verdict: Verdict) -> Directives:
    settings = verdict.settings
    return Directives(
        excludes=[SourceFilter(f.sources, f.rule, f.lines) for f in verdict.filters if f.kind == "exclude"],
        onlys=[SourceFilter(f.sources, f.rule, f.lines) for f in verdict.filters if f.kind == "only"],
        cost_terms=[CostTerm(c.amount, c.per, c.sources, c.rule, c.lines) for c in verdict.costs],
        settings=Settings(
            max_shipments=settings.max_shipments,
            split_penalty=settings.split_penalty,
            time_limit=settings.time_limit,
            partial=settings.partial,
            bundle_split_after=settings.bundle_split_after,
        ),
        backorder=dict(verdict.backorder),
        hold=verdict.hold,
        explanation=verdict.explanation,
    )
