"""The OMS's input documents: orders at intake, the network with channels, stock messages.

Orders and networks extend the engine's contract (``docs/contract.md``);
unlike the engine, intake reports *every* problem at once, each with its JSON
path, so that a sender can fix a payload in one go.  Every field has the
bound of the column that keeps it (``oms.limits``, documented in
``docs/oms.md``): a value beyond it is refused here, by name, never by the
database.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from oms import intake_spec
from oms import limits as lim
from oms.catalog_schemas import ChannelSchema, ProductSchema, load_channels, load_products, load_stock_rows
from oms.contacts import AddressSchema, CustomerSchema, take_contacts
from oms.errors import FieldError, InvalidInput
from oms.intake_money import engine_document, money_problems
from sourcing_engine.model import Order
from sourcing_engine.schemas import OrderSchema, error_paths

__all__ = [
    "ChannelSchema",
    "ProductSchema",
    "load_channels",
    "load_intake_order",
    "load_products",
    "load_stock_message",
    "load_stock_rows",
]

MAX_STOCK_ITEMS = 10_000
STOCK_MODES = ("FULL", "NONZERO", "DELTA", "ADJUST")
MESSAGES = {"required": "missing required field", "null": "must not be null", "invalid": "has the wrong type"}
# Order fields the OMS keeps in String columns, checked on the raw document (list items by "*").
ORDER_TEXTS = [
    (("id",), lim.MAX_CODE),
    (("channel",), lim.MAX_CODE),
    (("original_order_id",), lim.MAX_CODE),
    (("delivery", "pickup_source"), lim.MAX_CODE),
    (("delivery", "address", "country"), lim.MAX_COUNTRY),
    (("delivery", "address", "postcode"), lim.MAX_POSTCODE),
    (("lines", "*", "id"), lim.MAX_CODE),
    (("lines", "*", "sku"), lim.MAX_CODE),
    (("lines", "*", "bundle"), lim.MAX_CODE),
    (("lines", "*", "preshipped_source"), lim.MAX_CODE),
]
ORDER_NUMBERS = [("delivery", "address", "lat"), ("delivery", "address", "lon")]


def _text(limit: int, **kw: Any) -> fields.String:
    return fields.String(validate=lim.Text(limit), error_messages={**MESSAGES, "invalid": "must be a string"}, **kw)


def _int(low: int, high: int, message: str, **kw: Any) -> fields.Integer:
    return lim.Count(
        strict=True,
        validate=validate.Range(min=low, max=high, error=message),
        error_messages={**MESSAGES, "invalid": message},
        **kw,
    )


def _bool(**kw: Any) -> fields.Boolean:
    return fields.Boolean(
        truthy={True}, falsy={False}, error_messages={**MESSAGES, "invalid": "must be true or false"}, **kw
    )


class IntakeOrderSchema(OrderSchema):
    """The engine's order, plus what the OMS records: order type and the order it replaces."""

    type = fields.String(
        validate=validate.OneOf(
            ("normal", "exchange", "reshipment"), error="must be one of normal, exchange, reshipment"
        ),
        error_messages={**MESSAGES, "invalid": "must be a string"},
        load_default="normal",
        metadata={"enum": ["normal"], "description": "exchanges and reshipments are created by the OMS"},
    )
    original_order_id = _text(lim.MAX_CODE, load_default=None, allow_none=True)
    # Checked by ``oms.contacts`` and ``oms.intake_money`` before this schema sees the order (the engine
    # reads none of them); declared here for the API's spec.
    customer = fields.Nested(CustomerSchema, allow_none=True)
    currency = intake_spec.currency()
    service_lines = intake_spec.service_lines()
    lines = intake_spec.lines()
    billing_address = fields.Nested(AddressSchema, allow_none=True)

    @validates_schema
    def check_type(self, data: dict, **_: Any) -> None:
        if data.get("type", "normal") != "normal" and not data.get("original_order_id"):
            raise ValidationError({"original_order_id": [f"required for {data['type']} orders"]})

    @post_load
    def make(self, data: dict, **_: Any) -> tuple[Order, dict[str, Any]]:  # type: ignore[override]
        extra = {"type": data.pop("type"), "original_order_id": data.pop("original_order_id")}
        data.pop("customer", None), data.pop("billing_address", None)
        return Order(**{**data, "lines": tuple(data["lines"])}), extra


class StockItemSchema(Schema):
    class Meta:
        unknown = RAISE

    source = _text(lim.MAX_CODE, load_default=None)
    sku = _text(lim.MAX_CODE, required=True)
    quantity = _int(
        -lim.MAX_STOCK_QUANTITY,
        lim.MAX_STOCK_QUANTITY,
        f"must be an integer between -{lim.MAX_STOCK_QUANTITY:,} and {lim.MAX_STOCK_QUANTITY:,}",
        load_default=0,
    )
    unlimited = _bool(load_default=None, allow_none=True)
    safety_stock = _int(
        0,
        lim.MAX_STOCK_QUANTITY,
        f"must be an integer between 0 and {lim.MAX_STOCK_QUANTITY:,}",
        load_default=None,
        allow_none=True,
    )


class StockMessageSchema(Schema):
    class Meta:
        unknown = RAISE

    mode = fields.String(
        required=True,
        validate=validate.OneOf(STOCK_MODES, error=f"must be one of {', '.join(STOCK_MODES)}"),
        error_messages={**MESSAGES, "invalid": "must be a string"},
    )
    source = _text(lim.MAX_CODE, load_default=None, allow_none=True)
    reference = _text(lim.MAX_REFERENCE, load_default=None, allow_none=True)
    items = fields.List(
        fields.Nested(StockItemSchema), required=True, error_messages={**MESSAGES, "invalid": "must be a list"}
    )


# Made by the OMS from an order it knows (oms exchanges create, oms reshipments create), never posted.
INTERNAL_TYPES = ("exchange", "reshipment")
INTERNAL_MESSAGE = (
    "{0} orders are created by the OMS from the original order (oms {0}s create or POST .../{0}s), "
    "not posted by a channel: use normal"
)
_INTAKE = IntakeOrderSchema()  # built once: marshmallow copies every nested field on construction


def load_intake_order(doc: Any, *, internal: bool = False) -> tuple[Order, dict[str, Any]]:
    """The order, or ``InvalidInput`` with every problem: the engine's checks and the OMS's bounds.

    Exchanges and reshipments are made by the OMS (``internal``), never posted by a channel.
    """
    if not isinstance(doc, dict):
        raise InvalidInput([FieldError("", "must be a JSON object")])
    rest, contacts, contact_errors = take_contacts(doc)
    engine_doc = engine_document(rest)
    found = _merged(_merged(_order_bounds(engine_doc), money_problems(doc, None)), contact_errors)
    if not internal and doc.get("type") in INTERNAL_TYPES:
        found = _merged([FieldError("type", INTERNAL_MESSAGE.format(doc["type"]))], found)
    try:
        order, extra = _load(_INTAKE, engine_doc)
    except InvalidInput as err:
        raise InvalidInput(_merged(found, err.errors)) from None
    if found:
        raise InvalidInput(found)
    return order, {**extra, **contacts}


def _order_bounds(doc: dict[str, Any]) -> list[FieldError]:
    errors = lim.document_problems(doc)
    for keys, limit in ORDER_TEXTS:
        for path, value in _values(doc, keys):
            lim.check_text(errors, path, value, limit)
    errors += lim.number_problems(doc, ORDER_NUMBERS)
    errors += lim.number_problems(doc, [("lines", "*", "unit_price")], maximum=lim.MAX_AMOUNT)
    lines = doc.get("lines")
    if isinstance(lines, list):
        if len(lines) > lim.MAX_LINES:
            errors.append(FieldError("lines", f"holds {len(lines)} lines; an order may hold at most {lim.MAX_LINES:,}"))
        for path, value in _values(doc, ("lines", "*", "quantity")):
            if isinstance(value, bool):
                errors.append(FieldError(path, "must be a positive integer"))
            elif isinstance(value, int) and value > lim.MAX_LINE_QUANTITY:
                errors.append(FieldError(path, f"must be at most {lim.MAX_LINE_QUANTITY:,}"))
    return errors


def _values(doc: Any, keys: tuple[str, ...], path: str = "") -> list[tuple[str, Any]]:
    """(path, value) of every value at ``keys`` in ``doc`` ("*" walks a list)."""
    if not keys:
        return [(path, doc)]
    head, rest = keys[0], keys[1:]
    if head == "*":
        items = doc if isinstance(doc, list) else []
        return [found for i, item in enumerate(items) for found in _values(item, rest, f"{path}[{i}]")]
    if not isinstance(doc, dict) or head not in doc:
        return []
    return _values(doc[head], rest, f"{path}.{head}" if path else head)


def load_stock_message(doc: Any) -> dict[str, Any]:
    if not isinstance(doc, dict):
        raise InvalidInput([FieldError("", "must be a JSON object")])
    if isinstance(doc.get("items"), list) and len(doc["items"]) > MAX_STOCK_ITEMS:
        raise InvalidInput(
            [FieldError("items", f"holds {len(doc['items'])} items; a message may hold at most {MAX_STOCK_ITEMS}")]
        )
    extra = _merged(lim.document_problems(doc), _item_errors(doc))
    try:
        message = _load(StockMessageSchema(), doc)
    except InvalidInput as err:
        raise InvalidInput(_merged(extra, err.errors)) from None
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
        if not (isinstance(source, str) and isinstance(item.get("sku"), str)):
            continue  # a source or SKU of the wrong type: the item schema names it; only texts can repeat
        if key in seen:
            errors.append(FieldError(f"items[{i}].sku", f"listed twice for source {source!r}"))
        seen.add(key)
    return errors


def _merged(first: list[FieldError], second: list[FieldError]) -> list[FieldError]:
    """Both lists, one problem per path (the first list's wins), in path order."""
    by_path: dict[str, FieldError] = {}
    for error in first + second:
        by_path.setdefault(error.path, error)
    return sorted(by_path.values(), key=lambda e: e.path)


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
