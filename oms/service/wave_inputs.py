"""What the engine needs to source a wave of one channel's orders: one network, orders, directives.

The same translation as direct sourcing (``sourcing.py``): the channel's
sources, fresh stock rows of every SKU the wave's orders wait for (locked on
PostgreSQL after a conflict), each order's waiting units as engine lines and
its directives (declined sources, the channel's backorder setting, the rules).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from oms.domain.catalog import Channel
from oms.domain.order import Order
from oms.domain.parts import LinePart
from oms.domain.statuses import OrderStatus, Reason
from oms.service.app import Oms
from oms.service.sourcing import _delivery, _directives, _engine_line
from oms.service.unit_of_work import UnitOfWork
from sourcing_engine import Directives, NetworkIndex
from sourcing_engine import Order as EngineOrder
from sourcing_engine.model import Network


@dataclass(slots=True)
class WaveInputs:
    channel: Channel
    index: NetworkIndex
    orders: list[Order] = field(default_factory=list)  # those still waiting, in the wave's order
    engine_orders: list[EngineOrder] = field(default_factory=list)
    parts: dict[str, list[LinePart]] = field(default_factory=dict)  # order number -> the waiting parts planned
    directives: dict[str, Directives] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    unmanaged: set[tuple[str, str]] = field(default_factory=set)


def waiting_parts(order: Order, include_new: bool) -> list[LinePart]:
    """The units a wave sources: everything waiting, or (after a restock) only what was sourced before."""
    if order.is_final or order.status in (OrderStatus.ONHOLD, OrderStatus.ERROR):
        return []
    return [p for p in order.waiting_parts() if include_new or p.reason != Reason.INITIALORDER]


def wave_inputs(app: Oms, uow: UnitOfWork, channel_code: str, orders: list[Order], include_new: bool) -> WaveInputs:
    snapshot = uow.catalog.snapshot()
    channel = snapshot.channels[channel_code]
    chosen = [(o, waiting_parts(o, include_new)) for o in orders]
    chosen = [(o, parts) for o, parts in chosen if parts]
    skus = sorted({p.sku for _, parts in chosen for p in parts})
    products = uow.catalog.products(snapshot, skus)
    in_channel = channel.source_codes()
    rows = [r for r in uow.stock.rows(skus, lock=uow.pessimistic) if r.source in in_channel]
    network = Network(
        sources=snapshot.channel_sources(channel), products=[p.for_engine() for p in products.values()], stock=rows
    )
    index = NetworkIndex(network)
    out = WaveInputs(channel=channel, index=index)
    for order, parts in chosen:
        wanted: dict[str, int] = {}
        for part in parts:
            wanted[part.line_id] = wanted.get(part.line_id, 0) + part.quantity
        engine_order = EngineOrder(
            id=order.number,
            delivery=_delivery(order),
            lines=tuple(_engine_line(order, line_id, qty) for line_id, qty in wanted.items()),
            channel=order.channel,
            created_at=order.created_at,
            attributes=dict(order.attributes),
        )
        out.orders.append(order)
        out.engine_orders.append(engine_order)
        out.parts[order.number] = parts
        out.directives[order.number] = _directives(app, uow, order, channel, snapshot, engine_order, index)
        out.attempts[order.number] = order.sourcing_attempts
    unmanaged_skus = [sku for sku in skus if sku in products and not products[sku].for_engine().manage_stock]
    out.unmanaged = {(code, sku) for sku in unmanaged_skus for code in index.codes}
    return out
