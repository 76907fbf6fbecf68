"""The network and the order: the contract's JSON (docs/contract.md) into the engine's dataclasses.

Loading checks types and ranges field by field, then what only the whole
document can tell (duplicate codes and ids, stock at unknown sources);
every problem surfaces as an ``InputError`` naming its JSON path.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, missing, post_load, validate, validates_schema

from sourcing_engine.limits import (
    MAX_AMOUNT,
    MAX_ID_LENGTH,
    MAX_LINE_QUANTITY,
    MAX_LINES,
    MAX_NAME_LENGTH,
    MAX_PRIORITY,
    MAX_PRODUCTS,
    MAX_SOURCES,
    MAX_STOCK_QUANTITY,
    MAX_STOCK_ROWS,
    MAX_TAGS,
)
from sourcing_engine.model import Costs, Delivery, Location, Network, Order, OrderLine, Product, Source, StockRow
from sourcing_engine.schemas.fast_load import NotPlain, loader
from sourcing_engine.schemas.fields import (
    CAPABILITIES,
    MESSAGES,
    Strict,
    attributes,
    boolean,
    choice,
    code,
    integer,
    listing,
    load,
    nested,
    number,
    text,
)
from sourcing_engine.schemas.stock_columns import references_ok, stock_table

AMOUNT = f"must be a number from 0 to {MAX_AMOUNT:.0e}"
STOCK = "must be a non-negative integer"


def amount(**kw: Any) -> fields.Float:
    """A cost or a price: finite, non-negative, at most MAX_AMOUNT."""
    return number(0, MAX_AMOUNT, AMOUNT, **kw)


def _between(bound: int) -> str:
    return f"must be an integer from -{bound:,} to {bound:,}"


def tags() -> fields.List:
    return listing(text(MAX_ID_LENGTH), MAX_TAGS, load_default=list)


class LocationSchema(Strict):
    lat = number(-90, 90, "must be a latitude between -90 and 90", required=True)
    lon = number(-180, 180, "must be a longitude between -180 and 180", required=True)
    country = text(MAX_ID_LENGTH, load_default=None, allow_none=True)
    postcode = text(MAX_ID_LENGTH, load_default=None, allow_none=True)

    @post_load
    def make(self, data: dict, **_: Any) -> Location:
        return Location(**data)


class CostsSchema(Strict):
    fixed = amount(load_default=0.0)
    per_km = amount(load_default=0.0)
    per_unit = amount(load_default=0.0)

    @post_load
    def make(self, data: dict, **_: Any) -> Costs:
        return Costs(**data)


class SourceSchema(Strict):
    code = code(required=True)
    name = text(MAX_NAME_LENGTH, load_default="")
    type = choice("warehouse", "store", "dropship", load_default="warehouse")
    enabled = boolean(load_default=True)
    priority = integer(-MAX_PRIORITY, _between(MAX_PRIORITY), MAX_PRIORITY, load_default=0)
    location = nested(LocationSchema, required=True)
    capabilities = listing(choice(*CAPABILITIES), MAX_TAGS, load_default=lambda: ["ship"])
    costs = nested(CostsSchema, load_default=Costs)
    tags = tags()
    attributes = attributes()

    @post_load
    def make(self, data: dict, **_: Any) -> Source:
        return Source(**{**data, "capabilities": frozenset(data["capabilities"]), "tags": frozenset(data["tags"])})


class ProductSchema(Strict):
    sku = code(required=True)
    type = choice("physical", "virtual", load_default="physical")
    manage_stock = boolean(load_default=True)
    backorders = boolean(load_default=False)
    tags = tags()
    attributes = attributes()

    @post_load
    def make(self, data: dict, **_: Any) -> Product:
        return Product(**{**data, "tags": frozenset(data["tags"])})


class StockSchema(Strict):
    source = code(required=True)
    sku = code(required=True)
    on_hand = integer(
        -MAX_STOCK_QUANTITY, f"must be at least -{MAX_STOCK_QUANTITY:,}", MAX_STOCK_QUANTITY, load_default=0
    )
    reserved = integer(0, STOCK, MAX_STOCK_QUANTITY, load_default=0)
    safety_stock = integer(0, STOCK, MAX_STOCK_QUANTITY, load_default=0)
    unlimited = boolean(load_default=False)

    @post_load
    def make(self, data: dict, **_: Any) -> StockRow:
        return StockRow(**data)


class NetworkSchema(Schema):
    class Meta:
        unknown = RAISE

    sources = listing(nested(SourceSchema), MAX_SOURCES, required=True)
    products = listing(nested(ProductSchema), MAX_PRODUCTS, load_default=list)
    stock = listing(nested(StockSchema), MAX_STOCK_ROWS, load_default=list)

    @validates_schema
    def check_references(self, data: dict, **_: Any) -> None:
        errors: dict[str, Any] = {}
        codes = _duplicates("sources", [s.code for s in data.get("sources", [])], "code", errors)
        _duplicates("products", [p.sku for p in data.get("products", [])], "sku", errors)
        seen: set[tuple[str, str]] = set()
        for i, row in enumerate(data.get("stock", [])):
            if row.source not in codes:
                errors.setdefault("stock", {})[i] = {"source": [f"unknown source {row.source!r}"]}
            elif (row.source, row.sku) in seen:
                errors.setdefault("stock", {})[i] = {"sku": [f"second stock row for {row.sku!r} at {row.source!r}"]}
            seen.add((row.source, row.sku))
        if errors:
            raise ValidationError(errors)

    @post_load
    def make(self, data: dict, **_: Any) -> Network:
        return Network(**data)


def _duplicates(collection: str, keys: list[str], field: str, errors: dict) -> set[str]:
    seen: set[str] = set()
    for i, key in enumerate(keys):
        if key in seen:
            errors.setdefault(collection, {})[i] = {field: [f"duplicate {field} {key!r}"]}
        seen.add(key)
    return seen


class DeliverySchema(Strict):
    method = choice("ship", "pickup", required=True)
    address = nested(LocationSchema, load_default=None, allow_none=True)
    pickup_source = text(MAX_ID_LENGTH, load_default=None, allow_none=True)

    @validates_schema
    def check_method(self, data: dict, **_: Any) -> None:
        if data.get("method") == "ship" and data.get("address") is None:
            raise ValidationError({"address": ["required for home delivery"]})
        if data.get("method") == "pickup" and not data.get("pickup_source"):
            raise ValidationError({"pickup_source": ["required for pickup in store"]})

    @post_load
    def make(self, data: dict, **_: Any) -> Delivery:
        return Delivery(**data)


class LineSchema(Strict):
    id = code(required=True)
    sku = code(required=True)
    quantity = integer(1, "must be a positive integer", MAX_LINE_QUANTITY, required=True)
    unit_price = amount(load_default=0.0)
    bundle = code(load_default=None, allow_none=True)
    preshipped_source = code(load_default=None, allow_none=True)
    allow_backorder = boolean(load_default=None, allow_none=True)
    attributes = attributes()

    @post_load
    def make(self, data: dict, **_: Any) -> OrderLine:
        return OrderLine(**data)


class OrderSchema(Strict):
    id = code(required=True)
    channel = text(MAX_ID_LENGTH, load_default="")
    created_at = fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        default_timezone=None,
        error_messages={
            **MESSAGES,
            "invalid": "must be an ISO 8601 date-time",
            "invalid_awareness": "must carry a time zone",
        },
    )
    delivery = nested(DeliverySchema, required=True)
    lines = listing(
        nested(LineSchema),
        MAX_LINES,
        required=True,
        validate=validate.Length(min=1, error="must hold at least one line"),
    )
    attributes = attributes()

    @validates_schema
    def check_lines(self, data: dict, **_: Any) -> None:
        errors: dict[str, Any] = {}
        _duplicates("lines", [line.id for line in data.get("lines", [])], "id", errors)
        if errors:
            raise ValidationError(errors)

    @post_load
    def make(self, data: dict, **_: Any) -> Order:
        return Order(**{**data, "lines": tuple(data["lines"])})


def load_network(doc: Any) -> Network:
    """The network of ``doc``, validated field by field; stock rows as columns when all is plainly valid."""
    return _load_with_stock_table(doc) or load(NetworkSchema(), doc)


def _load_with_stock_table(doc: Any) -> Network | None:
    """Sources and products object by object, stock rows column by column; None if anything is not plain.

    On ``None`` the whole document goes through ``NetworkSchema``, which reports the first problem
    exactly as before: the fast path never decides an error message.
    """
    if not isinstance(doc, dict) or not doc.keys() <= NetworkSchema._declared_fields.keys():
        return None
    sources_doc, products_doc = doc.get("sources", missing), doc.get("products", [])
    if type(sources_doc) is not list or type(products_doc) is not list:
        return None
    table = stock_table(doc.get("stock", []), StockSchema)
    if table is None:
        return None
    try:
        sources = [loader(SourceSchema)(s) for s in sources_doc]
        products = [loader(ProductSchema)(p) for p in products_doc]
    except NotPlain:
        return None
    codes = {s.code for s in sources}
    if len(codes) < len(sources) or len({p.sku for p in products}) < len(products) or not references_ok(table, codes):
        return None
    return Network(sources=sources, products=products, stock=table)


def load_order(doc: Any) -> Order:
    return load(OrderSchema(), doc)
