"""``PUT /v1/network``: load sources, products, channels and stock (the same document and handler as
``oms network load``)."""

from __future__ import annotations

from typing import Any

from api.http.auth import caller, requires
from api.http.bodies import json_body
from api.http.catalog_guard import guard_values, shared_catalog
from api.http.extensions import Blueprint, current_oms
from api.http.network.schemas import NetworkDocumentSchema, NetworkLoadedSchema
from oms.service import catalog

blp = guard_values(
    Blueprint("network", __name__, url_prefix="/v1", description="The sourcing network, loaded as one document")
)


@blp.route("/network", methods=["PUT"])
@requires("merchant")
@shared_catalog
@blp.body(NetworkDocumentSchema, "sources, products, channels and stock; items are added or replaced by key")
@blp.response(200, NetworkLoadedSchema)
def load_network() -> dict[str, Any]:
    """Load a network document: add or replace its sources, products and channels, apply its stock."""
    loaded = catalog.load_network(current_oms(), json_body(), caller().actor)
    return {
        "sources": loaded.sources,
        "products": loaded.products,
        "channels": loaded.channels,
        "stock_rows_changed": loaded.stock.changed,
        "orders_resourced": loaded.stock.resourced,
        "warnings": loaded.stock.warnings,
    }
