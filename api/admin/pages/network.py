"""Network and stock: the sources with their capabilities, costs and a map; stock by SKU and source with what each
channel can sell; the low-stock list.  Read-only pages (the network is loaded with ``oms network load`` or
``PUT /v1/network``)."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from api.admin.access import admin_required, channels_limit
from api.admin.blueprint import bp
from api.admin.network import DEFAULT_LOW_STOCK, StockFilter, all_items, low_stock, low_stock_threshold, stock_table
from api.admin.trial import network_map
from api.http.extensions import current_oms
from oms.errors import InvalidInput
from oms.service.catalog_items import SOURCE


@bp.route("/network")
@admin_required("merchant")
def network() -> Any:
    """Every source: type, capabilities, costs, priority, tags, and where it is on the map."""
    sources = all_items(current_oms(), SOURCE)
    return render_template("admin/network/sources.html", sources=sources, map=network_map(sources))


@bp.route("/network/stock")
@admin_required("merchant")
def network_stock() -> Any:
    """Stock rows by SKU and source, and the sellable stock of each channel, a page of SKUs at a time."""
    try:
        where = StockFilter.of(request.args)
    except InvalidInput as err:
        return render_template("admin/network/stock.html", where=StockFilter(), table=None, errors=err.errors), 422
    table = stock_table(current_oms(), where, channels_limit())
    return render_template("admin/network/stock.html", where=where, table=table, errors=[])


@bp.route("/network/low-stock")
@admin_required("merchant")
def network_low_stock() -> Any:
    """What each channel can sell at or below the threshold (default DEFAULT_LOW_STOCK units)."""
    raw = request.args.get("threshold")
    try:
        threshold = low_stock_threshold(raw)
    except InvalidInput as err:
        page = render_template(
            "admin/network/low_stock.html", threshold=raw, rows=None, errors=err.errors, default=DEFAULT_LOW_STOCK
        )
        return page, 422
    rows = low_stock(current_oms(), threshold, channels_limit())
    return render_template(
        "admin/network/low_stock.html", threshold=threshold, rows=rows, errors=[], default=DEFAULT_LOW_STOCK
    )
