"""The OMS's input documents: orders at intake, the network with channels, stock messages.

Orders and networks extend the engine's contract (``docs/contract.md``);
unlike the engine, intake reports *every* problem at once, each with its JSON
path, so that a sender can fix a payload in one go.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from oms.errors import FieldError, InvalidInput
from sourcing_engine.model import Order
from sourcing_engine.schemas import OrderSchema, error_paths

MAX_STOCK_ITEMS = 10_000
STOCK_MODES = ("FULL", "NONZERO", "DELTA", "ADJUST")
MESSAGES = {"required": "missing required field", "null": "must not be null", "invalid": "has the wrong type"}


def _text(**kw: Any) -> fields.String:
    return fields.String(error_messages={**MESSAGES, "invalid": "must be a string"}, **kw)


def _choice(*choices: str, **kw: Any) -> fields.String:
    return _text(validate=validate.OneOf(choices, error=f"must be one of {', '.join(choices)}"), **kw)


def _int(minimum: int | None = None, message: str = "must be an integer", **kw: Any) -> fields.Integer:
    rng = validate.Range(min=minimum, error=message) if minimum is not None else None
    return fields.Integer(strict=True, validate=rng, error_messages={**MESSAGES, "invalid": message}, **kw)


def _bool(**kw: Any) -> fields.Boolean:
    return fields.Boolean(
        truthy={True}, falsy={False}, error_messages={**MESSAGES, "invalid": "must be true or false"}, **kw
    )


class IntakeOrderSchema(OrderSchema):
    """The engine's order, plus what the OMS records: order type and the order it replaces."""

    type = _choice("normal", "exchange", "reshipment", load_default="normal")
    original_order_id = _text(load_default=None, allow_none=True)

    @validates_schema
    def check_type(self, data: dict, **_: Any) -> None:
        if data.get("type", "normal") != "normal" and not data.get("original_order_id"):
            raise ValidationError({"original_order_id": [f"required for {data['type']} orders"]})

    @post_load
    def make(self, data: dict, **_: Any) -> tuple[Order, dict[str, Any]]:  # type: ignore[override]
        extra = {"type": data.pop("type"), "original_order_id": data.pop("original_order_id")}
        return Order(**{**data, "lines": tuple(data["lines"])}), extra


class ProductSchema(Schema):
    """The engine's product, plus the OMS's product types and ``price_adjustable``."""

    class Meta:
        unknown = RAISE

    sku = _text(required=True, validate=validate.Length(min=1, error="must not be empty"))
    type = _choice("physical", "virtual", "service", "shipping", load_default="physical")
    manage_stock = _bool(load_default=True)
    backorders = _bool(load_default=False)
    price_adjustable = _bool(load_default=False)
    tags = fields.List(_text(), load_default=list, error_messages={**MESSAGES, "invalid": "must be a list"})
    attributes = fields.Dict(keys=fields.String(), load_default=dict)

    @post_load
    def make(self, data: dict, **_: Any) -> dict[str, Any]:
        return {**data, "tags": sorted(set(data["tags"]))}


class ChannelSourceSchema(Schema):
    class Meta:
        unknown = RAISE

    source = _text(required=True, validate=validate.Length(min=1, error="must not be empty"))
    priority = _int(load_default=None, allow_none=True)


class ChannelSchema(Schema):
    class Meta:
        unknown = RAISE

    code = _text(required=True, validate=validate.Length(min=1, error="must not be empty"))
    name = _text(load_default="")
    sources = fields.Raw(load_default="*")
    backorders = _bool(load_default=None, allow_none=True)
    sourcing_mode = _choice("direct", "batch", load_default="direct")
    strategy = _choice("optimal", "priority", "distance", load_default="optimal")
    backorder_exception_days = _int(0, "must be a non-negative integer", load_default=7, allow_none=True)
    low_stock_threshold = _int(0, "must be a non-negative integer", load_default=None, allow_none=True)
    wave = fields.Raw(load_default=None, allow_none=True)  # batch channels: oms.domain.waves.WaveSettings

    @validates_schema
    def check_sources(self, data: dict, **_: Any) -> None:
        links = data.get("sources", "*")
        if links == "*":
            return
        if not isinstance(links, list):
            raise ValidationError({"sources": ['must be "*" or a list of source codes or {source, priority}']})
        errors: dict[int, Any] = {}
        for i, link in enumerate(links):
            if isinstance(link, str):
                continue
            found = (
                ChannelSourceSchema().validate(link)
                if isinstance(link, dict)
                else {"_schema": ["must be a code or an object"]}
            )
            if found:
                errors[i] = found
        if errors:
            raise ValidationError({"sources": errors})


class StockItemSchema(Schema):
    class Meta:
        unknown = RAISE

    source = _text(load_default=None)
    sku = _text(required=True, validate=validate.Length(min=1, error="must not be empty"))
    quantity = _int(load_default=0)
    unlimited = _bool(load_default=None, allow_none=True)
    safety_stock = _int(0, "must be a non-negative integer", load_default=None, allow_none=True)


class StockMessageSchema(Schema):
    class Meta:
        unknown = RAISE

    mode = _choice(*STOCK_MODES, required=True)
    source = _text(load_default=None, allow_none=True)
    reference = _text(load_default=None, allow_none=True)
    items = fields.List(
        fields.Nested(StockItemSchema), required=True, error_messages={**MESSAGES, "invalid": "must be a list"}
    )

    @validates_schema
    def check_size(self, data: dict, **_: Any) -> None:
        items = data.get("items", [])
        if len(items) > MAX_STOCK_ITEMS:
            raise ValidationError(
                {"items": [f"holds {len(items)} items; a message may hold at most {MAX_STOCK_ITEMS}"]}
            )


_INTAKE = IntakeOrderSchema()  # built once: marshmallow copies every nested field on construction


def load_intake_order(doc: Any) -> tuple[Order, dict[str, Any]]:
    return _load(_INTAKE, doc)


def load_stock_message(doc: Any) -> dict[str, Any]:
    if isinstance(doc, dict) and isinstance(doc.get("items"), list) and len(doc["items"]) > MAX_STOCK_ITEMS:
        raise InvalidInput(
            [FieldError("items", f"holds {len(doc['items'])} items; a message may hold at most {MAX_STOCK_ITEMS}")]
        )
    extra = _item_errors(doc)
    try:
        message = _load(StockMessageSchema(), doc)
    except InvalidInput as err:
        raise InvalidInput(_merged(err.errors, extra)) from None
    if extra:
        raise InvalidInput(extra)
    for item in message["items"]:
        item["source"] = item["source"] or message["source"]
    return message


def _item_errors(doc: dict[str, Any]) -> list[FieldError]:
    """What the item schema cannot see alone: sources given per message, snapshot signs, duplicates."""
    items = doc.get("items")
    if not isinstance(items, list):
        return []
    errors, seen = [], set()
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        source = item.get("source") or doc.get("source")
        if not source:
            errors.append(FieldError(f"items[{i}].source", "missing: give it here or for the whole message"))
        quantity = item.get("quantity")
        if doc.get("mode") != "ADJUST" and isinstance(quantity, int) and quantity < 0:
            errors.append(FieldError(f"items[{i}].quantity", "must not be negative in a snapshot"))
        key = (source, item.get("sku"))
        if key in seen:
            errors.append(FieldError(f"items[{i}].sku", f"listed twice for source {source!r}"))
        seen.add(key)
    return errors


def _merged(first: list[FieldError], second: list[FieldError]) -> list[FieldError]:
    return sorted({(e.path, e.message): e for e in first + second}.values(), key=lambda e: e.path)


def load_channels(docs: Any) -> list[dict[str, Any]]:
    if not isinstance(docs, list):
        raise InvalidInput([FieldError("channels", "must be a list")])
    return _load(ChannelSchema(many=True), docs, "channels")


def load_products(docs: Any) -> list[dict[str, Any]]:
    if not isinstance(docs, list):
        raise InvalidInput([FieldError("products", "must be a list")])
    return _load(ProductSchema(many=True), docs, "products")


def _load(schema: Schema, doc: Any, root: str = "") -> Any:
    if not schema.many and not isinstance(doc, dict):
        raise InvalidInput([FieldError(root, "must be a JSON object")])
    try:
        return schema.load(doc)
    except ValidationError as err:
        raise InvalidInput(all_errors(err.messages, root)) from None


def all_errors(messages: Any, path: str = "") -> list[FieldError]:
    """Every (path, message) of marshmallow's nested error dict, paths like ``lines[2].quantity``."""
    return [FieldError(where, message) for where, message in error_paths(messages, path)]
