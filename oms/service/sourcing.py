"""Sourcing an order's waiting units: the active rules and the engine decide, the domain allocates.

The engine sees only what the order needs: the channel's sources (with the
channel's link priorities) and the stock rows of the order's SKUs, read fresh
in this transaction (and locked, on PostgreSQL, when a first try met a
conflict).  Sources that declined a line are excluded for that line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from oms.domain.allocation import DECLINED_RULE, SourcingOutcome, apply_plan
from oms.domain.catalog import CatalogProduct, CatalogSnapshot, Channel
from oms.domain.events import Context
from oms.domain.order import Order
from oms.domain.parts import LinePart
from oms.domain.statuses import LineStatus, OrderStatus, Reason
from oms.rules import CompiledRules
from oms.service.app import Oms
from oms.service.bundles import plan_with_bundles
from oms.service.unit_of_work import UnitOfWork
from sourcing_engine import Delivery, Directives, Location, NetworkIndex, SourceFilter
from sourcing_engine import Order as EngineOrder
from sourcing_engine import OrderLine as EngineLine
from sourcing_engine.errors import InputError
from sourcing_engine.model import Network, StockRow


def source_waiting(
    app: Oms, uow: UnitOfWork, order: Order, ctx: Context, parts: list[LinePart] | None = None
) -> SourcingOutcome:
    """Source ``parts`` (default: every waiting unit) and allocate them as the plan says."""
    parts = order.waiting_parts() if parts is None else parts
    if not parts:
        return SourcingOutcome()
    snapshot = uow.catalog.snapshot()
    channel = snapshot.channels[order.channel]
    wanted: dict[str, int] = {}
    for part in parts:
        wanted[part.line_id] = wanted.get(part.line_id, 0) + part.quantity
    lines = [_engine_line(order, line_id, qty) for line_id, qty in wanted.items()]
    skus = sorted({line.sku for line in lines})
    network, products = channel_network(uow, snapshot, channel, skus, lambda rows: _pending_applied(rows, order))
    index = NetworkIndex(network)
    engine_order = EngineOrder(
        id=order.number,
        delivery=_delivery(order),
        lines=tuple(lines),
        channel=order.channel,
        created_at=order.created_at,
        attributes=dict(order.attributes),
    )
    directives = _directives(app, uow, order, channel, snapshot, engine_order, index)
    try:
        plan = plan_with_bundles(order, engine_order, index, channel.strategy, directives)
    except InputError as err:  # the network changed under the order (say, its pickup store left the channel)
        return _unsourceable(order, parts, str(err), ctx)
    if app.on_plan is not None:
        app.on_plan(plan)
    unmanaged_skus = [sku for sku in skus if sku in products and not products[sku].for_engine().manage_stock]
    unmanaged = {(code, sku) for sku in unmanaged_skus for code in index.codes}
    outcome = apply_plan(order, plan, parts, unmanaged, ctx)
    order.moves.extend(outcome.moves)
    return outcome


def channel_network(
    uow: UnitOfWork,
    snapshot: CatalogSnapshot,
    channel: Channel,
    skus: list[str],
    adjust: Callable[[list[StockRow]], list[StockRow]] | None = None,
) -> tuple[Network, dict[str, CatalogProduct]]:
    """What the engine sees for an order of ``skus`` in ``channel``: its sources, those products, their stock."""
    products = uow.catalog.products(snapshot, skus)
    in_channel = channel.source_codes()
    rows = [r for r in uow.stock.rows(skus, lock=uow.pessimistic) if r.source in in_channel]
    if adjust is not None:
        rows = adjust(rows)
    network = Network(
        sources=snapshot.channel_sources(channel), products=[p.for_engine() for p in products.values()], stock=rows
    )
    return network, products


def channel_backorders(channel: Channel, lines: tuple[EngineLine, ...]) -> dict[str, bool]:
    """The channel's backorder setting, line by line: off for all, or on where the line does not say."""
    out = {}
    for line in lines:
        if channel.backorders is False:
            out[line.id] = False
        elif channel.backorders is True and line.allow_backorder is None:
            out[line.id] = True
    return out


def _unsourceable(order: Order, parts: list[LinePart], why: str, ctx: Context) -> SourcingOutcome:
    """Before logistics the order goes to ERROR for an operator; once in logistics the units are cancelled."""
    if order.status != OrderStatus.LOGISTICS:
        order.fail("LOGISTICSFAIL", why, ctx)
        return SourcingOutcome()
    for part in list(parts):
        order.move(part, part.quantity, LineStatus.CANCELLED, Reason.NOSOURCE, ctx)
    return SourcingOutcome(cancelled=sum(p.quantity for p in parts))


def _pending_applied(rows: list[StockRow], order: Order) -> list[StockRow]:
    """The stock as this transaction leaves it so far (a pre-shipped line already took its units)."""
    if not order.moves:
        return rows
    delta: dict[tuple[str, str], tuple[int, int]] = {}
    for m in order.moves:
        on_hand, reserved = delta.get((m.source, m.sku), (0, 0))
        delta[(m.source, m.sku)] = (on_hand + m.on_hand, reserved + m.reserved)
    out = []
    for row in rows:
        on_hand, reserved = delta.get((row.source, row.sku), (0, 0))
        out.append(dataclasses.replace(row, on_hand=row.on_hand + on_hand, reserved=max(0, row.reserved + reserved)))
    return out


def _engine_line(order: Order, line_id: str, quantity: int) -> EngineLine:
    line = order.line(line_id)
    return EngineLine(
        id=line.line_id,
        sku=line.sku,
        quantity=quantity,
        unit_price=float(line.unit_price),  # the engine weighs costs in floats; money stays exact here
        bundle=line.bundle,
        allow_backorder=line.allow_backorder,
        attributes=dict(line.attributes),
    )


def _delivery(order: Order) -> Delivery:
    if order.delivery_method == "pickup":
        return Delivery("pickup", pickup_source=order.pickup_source)
    a = order.address or {}
    return Delivery("ship", address=Location(a["lat"], a["lon"], a.get("country"), a.get("postcode")))


def _directives(
    app: Oms,
    uow: UnitOfWork,
    order: Order,
    channel: Channel,
    snapshot: CatalogSnapshot,
    engine_order: EngineOrder,
    index: NetworkIndex,
) -> Directives:
    """The OMS's own directives (declined sources, the channel's backorder setting), then the rules'."""
    ours = Directives()
    for line in engine_order.lines:
        declined = order.line(line.id).declined_sources
        if declined:
            mask = np.array([code in declined for code in index.codes], dtype=bool)
            ours.excludes.append(SourceFilter(mask, DECLINED_RULE + ", ".join(declined), frozenset({line.id})))
    ours.backorder.update(channel_backorders(channel, engine_order.lines))
    rules = active_rules(app, uow, channel)
    combined = ours.combined(rules.directives(engine_order, index)) if rules is not None else ours
    if order.hold_released or order.status == OrderStatus.LOGISTICS:
        combined.hold = None  # an operator released it, or it is too late to hold
    return combined


def active_rules(app: Oms, uow: UnitOfWork, channel: Channel) -> CompiledRules | None:
    """The channel's active ruleset, compiled once per process and version."""
    if channel.ruleset is None:
        return None
    compiled = app.compiled.get(channel.ruleset)
    if compiled is None:
        name, version = channel.ruleset
        text = uow.catalog.ruleset_text(name, version) or ""
        compiled = app.compiled[channel.ruleset] = app.rules.compile(text, f"{name}@{version}")
    return compiled
