"""The sourcing engine: split an order across sources, optimally.

Pure computation: no database, no web.  ``source`` takes typed dataclasses
(``model``) and returns a ``Plan``; ``schemas`` converts the contract's JSON.
"""

from sourcing_engine.directives import CostTerm, Directives, Settings, SourceFilter
from sourcing_engine.engine import STRATEGIES, consumed, source, source_stream
from sourcing_engine.errors import InputError
from sourcing_engine.model import (
    Costs,
    Delivery,
    Location,
    Network,
    Order,
    OrderLine,
    Product,
    Source,
    StockRow,
)
from sourcing_engine.network_index import NetworkIndex
from sourcing_engine.plan import Backorder, Plan, PlannedLine, Shipment, Unsourced
from sourcing_engine.wave_plan import WavePlan

__all__ = [
    "STRATEGIES",
    "Backorder",
    "CostTerm",
    "Costs",
    "Delivery",
    "Directives",
    "InputError",
    "Location",
    "Network",
    "NetworkIndex",
    "Order",
    "OrderLine",
    "Plan",
    "PlannedLine",
    "Product",
    "Settings",
    "Shipment",
    "Source",
    "SourceFilter",
    "StockRow",
    "Unsourced",
    "WavePlan",
    "consumed",
    "source",
    "source_stream",
    "source_wave",
]


def __getattr__(name: str) -> object:
    # The wave model imports OR-Tools, which costs most of a second: only a caller of source_wave pays for it.
    if name == "source_wave":
        from sourcing_engine.wave import source_wave

        return source_wave
    raise AttributeError(f"module 'sourcing_engine' has no attribute {name!r}")
