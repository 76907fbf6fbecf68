"""``/v1/products``: the products of the network, one at a time.

Reading: merchant, support (and readonly, admin).  Replacing a product:
merchant with a key for every channel.  ``PUT`` needs the ``If-Match`` of a
``GET`` (428 without it, 412 when the product changed since); new products
come with a network document (``PUT /v1/network``).
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.http.auth import caller, requires
from api.http.bodies import json_body
from api.http.catalog_guard import guard_values, shared_catalog
from api.http.extensions import Blueprint, current_oms
from api.http.pagination import PageArgs, decode_cursor, page, page_limit
from api.http.products.schemas import ProductPageSchema, ProductSchema
from oms.service import catalog_items
from oms.service.catalog_items import PRODUCT

blp = guard_values(Blueprint("products", __name__, url_prefix="/v1", description="Products as the OMS sources them"))


@blp.route("/products")
class Products(MethodView):
    @requires("merchant", "support")
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.response(200, ProductPageSchema)
    def get(self, **args: Any) -> tuple[dict, dict]:
        """List products by SKU."""
        limit = page_limit(args)
        position = decode_cursor(args.get("cursor"), {"after": str})
        found = catalog_items.listing(current_oms(), PRODUCT, position and position["after"], limit)
        return page(found.items, found.next_after and {"after": found.next_after}, limit)


@blp.route("/products/<string(maxlength=64):sku>")
class ProductItem(MethodView):
    @requires("merchant", "support")
    @blp.etag
    @blp.response(200, ProductSchema)
    def get(self, sku: str) -> dict[str, Any]:
        """One product, with its ETag."""
        return catalog_items.show(current_oms(), PRODUCT, sku)

    @requires("merchant")
    @shared_catalog
    @blp.etag
    @blp.body(ProductSchema, "the whole source; its sku may be left out")
    @blp.response(200, ProductSchema)
    def put(self, sku: str) -> dict[str, Any]:
        """Replace a product (If-Match: its ETag)."""
        expect = lambda current: blp.check_etag(current, ProductSchema)  # noqa: E731
        return catalog_items.replace(current_oms(), PRODUCT, sku, json_body(), expect, caller().actor)
