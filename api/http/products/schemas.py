"""A product as the OMS keeps it (``oms.schemas.ProductSchema``: the engine's plus product types)."""

from __future__ import annotations

import marshmallow as ma

from api.http.pagination import PageSchema
from oms.catalog_schemas import ProductSchema

__all__ = ["ProductPageSchema", "ProductSchema"]


class ProductPageSchema(PageSchema):
    items = ma.fields.List(ma.fields.Nested(ProductSchema), required=True)
