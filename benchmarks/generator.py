"""Seeded, deterministic benchmark instances: a network and the orders sourced against it.

    >>> instance = generate("typical", seed=1)
    >>> instance.network, instance.orders

The same preset, seed and order count give the same instance on any machine
(see ``draws``); ``fingerprint`` is a hash of its contract JSON to prove it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from benchmarks.network_gen import make_catalogue, make_network, make_sources
from benchmarks.orders_gen import OrderMaker
from benchmarks.presets import Params, preset
from sourcing_engine.model import Network, Order


@dataclass(slots=True)
class Instance:
    name: str
    seed: int
    params: Params
    network: Network
    orders: list[Order]

    @property
    def stream(self) -> bool:
        """Orders deplete stock one after another (else each sees the full network)."""
        return self.params.stream

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        digest.update(json.dumps(network_to_dict(self.network), sort_keys=True).encode())
        for order in self.orders:
            digest.update(json.dumps(order_to_dict(order), sort_keys=True).encode())
        return digest.hexdigest()[:16]


def generate(name_or_params: str | Params, seed: int = 0, orders: int | None = None) -> Instance:
    if isinstance(name_or_params, str):
        name, params = name_or_params, preset(name_or_params, orders)
    else:
        name, params = "custom", name_or_params if orders is None else replace(name_or_params, orders=orders)
    sources = make_sources(params, seed)
    catalogue = make_catalogue(params, seed)
    horizon = params.horizon_orders if params.horizon_orders is not None else params.orders
    network = make_network(params, seed, sources, catalogue, horizon)
    maker = OrderMaker(params, seed, sources, catalogue)
    return Instance(name, seed, params, network, maker.orders(params.orders))


# --- the contract's JSON (docs/contract.md), to save instances and hash them ---


def network_to_dict(network: Network) -> dict[str, Any]:
    return {
        "sources": [
            {
                "code": s.code, "name": s.name, "type": s.type, "enabled": s.enabled, "priority": s.priority,
                "location": _location(s.location),
                "capabilities": sorted(s.capabilities),
                "costs": {"fixed": s.costs.fixed, "per_km": s.costs.per_km, "per_unit": s.costs.per_unit},
                "tags": sorted(s.tags),
            }
            for s in network.sources
        ],
        "products": [
            {"sku": p.sku, "type": p.type, "manage_stock": p.manage_stock, "backorders": p.backorders,
             "tags": sorted(p.tags)}
            for p in network.products
        ],
        "stock": [
            {"source": r.source, "sku": r.sku, "on_hand": r.on_hand, "reserved": r.reserved,
             "safety_stock": r.safety_stock, "unlimited": r.unlimited}
            for r in network.stock
        ],
    }


def order_to_dict(order: Order) -> dict[str, Any]:
    delivery: dict[str, Any] = {"method": order.delivery.method}
    if order.delivery.address is not None:
        delivery["address"] = _location(order.delivery.address)
    if order.delivery.pickup_source is not None:
        delivery["pickup_source"] = order.delivery.pickup_source
    return {
        "id": order.id, "channel": order.channel,
        "created_at": order.created_at.strftime("%Y-%m-%dT%H:%M:%SZ") if order.created_at else None,
        "delivery": delivery,
        "lines": [
            {"id": line.id, "sku": line.sku, "quantity": line.quantity, "unit_price": line.unit_price,
             "bundle": line.bundle, "preshipped_source": line.preshipped_source,
             "allow_backorder": line.allow_backorder}
            for line in order.lines
        ],
    }


def _location(loc: Any) -> dict[str, Any]:
    out = {"lat": loc.lat, "lon": loc.lon}
    if loc.country is not None:
        out["country"] = loc.country
    return out
