"""Planning an order whose bundles may split, by MOM's rule.

A bundle ships whole from one source.  When no source can, it waits (soft
allocated, or backordered) and each such sourcing attempt is counted for that
bundle.  After
``bundles split_after N`` failed attempts of *that bundle* it may ship from
several sources, but only when every line of the bundle can be sourced in
full somewhere; otherwise it keeps waiting rather than ship part of a kit.
The engine is asked with bundles whole first, and again with the splittable
bundles as plain lines; a bundle that the second plan cannot fill is put back
together.  ``partial hold`` is applied last, to the plan finally chosen.
"""

from __future__ import annotations

import dataclasses

from oms.domain.order import Order
from sourcing_engine import Directives, NetworkIndex, source
from sourcing_engine import Order as EngineOrder
from sourcing_engine.plan import Plan, Unsourced

WAIT_REASONS = {"bundle_not_in_one_source", "shipment_limit", "waiting_for_complete", "on_hold"}


def plan_with_bundles(
    order: Order, engine_order: EngineOrder, index: NetworkIndex, strategy: str, directives: Directives
) -> Plan:
    """The plan for ``engine_order``; counts the attempts of bundles that still cannot ship."""
    settings = directives.settings
    raw = dataclasses.replace(
        directives, settings=dataclasses.replace(settings, bundle_split_after=None, partial="ship")
    )
    plan = source(engine_order, index, strategy, directives=raw)
    waiting = _waiting_bundles(plan, engine_order)
    split_after = settings.bundle_split_after
    if waiting and split_after is not None:
        may_split = {b for b in waiting if order.bundle_attempts.get(b, 0) >= split_after}
        plan = _split_where_sourceable(engine_order, index, strategy, raw, plan, may_split)
        waiting = _waiting_bundles(plan, engine_order)
    if waiting:
        order.bundle_attempts = {
            **order.bundle_attempts,
            **{b: order.bundle_attempts.get(b, 0) + 1 for b in sorted(waiting)},
        }
    if settings.partial == "hold" and (plan.backorders or plan.unsourced):
        plan = _wait_for_complete(plan, engine_order)
    return plan


def _split_where_sourceable(
    engine_order: EngineOrder,
    index: NetworkIndex,
    strategy: str,
    directives: Directives,
    whole: Plan,
    may_split: set[str],
) -> Plan:
    """Split the bundles in ``may_split`` whose every line the split plan fills; put the others back together."""
    while may_split:
        lines = tuple(
            dataclasses.replace(line, bundle=None) if line.bundle in may_split else line for line in engine_order.lines
        )
        trial = source(dataclasses.replace(engine_order, lines=lines), index, strategy, directives=directives)
        filled = _filled(trial)
        short = {
            ln.bundle for ln in engine_order.lines if ln.bundle in may_split and filled.get(ln.id, 0) < ln.quantity
        }
        if not short:
            return trial
        may_split -= short
    return whole


def _waiting_bundles(plan: Plan, engine_order: EngineOrder) -> set[str]:
    """Bundles of which nothing ships in ``plan`` (no one source holds them, or they wait for stock)."""
    shipped = _filled(plan)
    bundles = {line.bundle for line in engine_order.lines if line.bundle is not None}
    cancelled = {u.line_id for u in plan.unsourced if u.reason not in WAIT_REASONS}
    return {
        b
        for b in bundles
        if not any(shipped.get(ln.id) or ln.id in cancelled for ln in engine_order.lines if ln.bundle == b)
    }


def _filled(plan: Plan) -> dict[str, int]:
    filled: dict[str, int] = {}
    for shipment in plan.shipments:
        for line in shipment.lines:
            filled[line.line_id] = filled.get(line.line_id, 0) + line.quantity
    return filled


def _wait_for_complete(plan: Plan, engine_order: EngineOrder) -> Plan:
    """``partial hold``: nothing ships until everything can (as the engine does it)."""
    plan.unsourced = [
        Unsourced(line.id, line.sku, line.quantity, "waiting_for_complete")
        for line in engine_order.lines
        if line.preshipped_source is None
    ]
    plan.shipments = [s for s in plan.shipments if s.kind == "preshipped"]
    plan.backorders = []
    plan.rule_adjustment = 0.0
    plan.explanation.append("partial hold: the order waits until every line can ship")
    return plan
