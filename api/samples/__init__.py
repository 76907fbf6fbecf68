"""The sample network and orders that ``oms demo`` runs on."""

from __future__ import annotations

import json
from importlib import resources

from sourcing_engine import Network, Order
from sourcing_engine.schemas import load_network, load_order


def _text(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def sample_network() -> Network:
    return load_network(json.loads(_text("network.json")))


def sample_orders() -> list[Order]:
    return [load_order(json.loads(line)) for line in _text("orders.jsonl").splitlines() if line.strip()]
