"""The contract's JSON (docs/contract.md) to and from the engine's dataclasses.

Loading checks types and ranges field by field, then what only the whole
document can tell (duplicate codes and ids, stock at unknown sources);
every problem surfaces as an ``InputError`` naming its JSON path.
"""

from __future__ import annotations

from typing import Any, get_args

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

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
from sourcing_engine.plan import Backorder, Plan, PlannedLine, Shipment, Unsourced, UnsourcedReason

MESSAGES = {
    "required": "missing required field",
    "null": "must not be null",
    "invalid": "has the wrong type",
}
CAPABILITIES = ("ship", "pickup", "ship_to_store", "returns")


def _str(**kw: Any) -> fields.String:
    return fields.String(error_messages={**MESSAGES, "invalid": "must be a string"}, **kw)


def _code(**kw: Any) -> fields.String:
    return _str(validate=validate.Length(min=1, error="must not be empty"), **kw)


def _int(minimum: int | None = None, message: str = "must be an integer", **kw: Any) -> fields.Integer:
    rng = validate.Range(min=minimum, error=message) if minimum is not None else None
    return fields.Integer(strict=True, validate=rng, error_messages={**MESSAGES, "invalid": message}, **kw)


def _num(
    minimum: float | None = None, maximum: float | None = None, message: str = "must be a number", **kw: Any
) -> fields.Float:
    rng = validate.Range(min=minimum, max=maximum, error=message) if minimum is not None else None
    return fields.Float(
        validate=rng, allow_nan=False, error_messages={**MESSAGES, "invalid": message, "special": message}, **kw
    )


def _bool(**kw: Any) -> fields.Boolean:
    return fields.Boolean(
        truthy={True}, falsy={False}, error_messages={**MESSAGES, "invalid": "must be true or false"}, **kw
    )


def _list(inner: fields.Field, **kw: Any) -> fields.List:
    return fields.List(inner, error_messages={**MESSAGES, "invalid": "must be a list"}, **kw)


def _nested(schema: type[Schema], **kw: Any) -> fields.Nested:
    return fields.Nested(schema, error_messages={**MESSAGES, "type": "must be an object"}, **kw)


def _choice(*choices: str, **kw: Any) -> fields.String:
    return _str(validate=validate.OneOf(choices, error=f"must be one of {', '.join(choices)}"), **kw)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class LocationSchema(_Strict):
    lat = _num(-90, 90, "must be a latitude between -90 and 90", required=True)
    lon = _num(-180, 180, "must be a longitude between -180 and 180", required=True)
    country = _str(load_default=None, allow_none=True)
    postcode = _str(load_default=None, allow_none=True)

    @post_load
    def make(self, data: dict, **_: Any) -> Location:
        return Location(**data)


class CostsSchema(_Strict):
    fixed = _num(0, None, "must be a non-negative number", load_default=0.0)
    per_km = _num(0, None, "must be a non-negative number", load_default=0.0)
    per_unit = _num(0, None, "must be a non-negative number", load_default=0.0)

    @post_load
    def make(self, data: dict, **_: Any) -> Costs:
        return Costs(**data)


class SourceSchema(_Strict):
    code = _code(required=True)
    name = _str(load_default="")
    type = _choice("warehouse", "store", "dropship", load_default="warehouse")
    enabled = _bool(load_default=True)
    priority = _int(load_default=0)
    location = _nested(LocationSchema, required=True)
    capabilities = _list(_choice(*CAPABILITIES), load_default=lambda: ["ship"])
    costs = _nested(CostsSchema, load_default=Costs)
    tags = _list(_str(), load_default=list)
    attributes = fields.Dict(keys=fields.String(), load_default=dict)

    @post_load
    def make(self, data: dict, **_: Any) -> Source:
        return Source(**{**data, "capabilities": frozenset(data["capabilities"]), "tags": frozenset(data["tags"])})


class ProductSchema(_Strict):
    sku = _code(required=True)
    type = _choice("physical", "virtual", load_default="physical")
    manage_stock = _bool(load_default=True)
    backorders = _bool(load_default=False)
    tags = _list(_str(), load_default=list)
    attributes = fields.Dict(keys=fields.String(), load_default=dict)

    @post_load
    def make(self, data: dict, **_: Any) -> Product:
        return Product(**{**data, "tags": frozenset(data["tags"])})


class StockSchema(_Strict):
    source = _code(required=True)
    sku = _code(required=True)
    on_hand = _int(load_default=0)
    reserved = _int(0, "must be a non-negative integer", load_default=0)
    safety_stock = _int(0, "must be a non-negative integer", load_default=0)
    unlimited = _bool(load_default=False)

    @post_load
    def make(self, data: dict, **_: Any) -> StockRow:
        return StockRow(**data)


class NetworkSchema(Schema):
    class Meta:
        unknown = RAISE

    sources = _list(_nested(SourceSchema), required=True)
    products = _list(_nested(ProductSchema), load_default=list)
    stock = _list(_nested(StockSchema), load_default=list)

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


class DeliverySchema(_Strict):
    method = _choice("ship", "pickup", required=True)
    address = _nested(LocationSchema, load_default=None, allow_none=True)
    pickup_source = _str(load_default=None, allow_none=True)

    @validates_schema
    def check_method(self, data: dict, **_: Any) -> None:
        if data.get("method") == "ship" and data.get("address") is None:
            raise ValidationError({"address": ["required for home delivery"]})
        if data.get("method") == "pickup" and not data.get("pickup_source"):
            raise ValidationError({"pickup_source": ["required for pickup in store"]})

    @post_load
    def make(self, data: dict, **_: Any) -> Delivery:
        return Delivery(**data)


class LineSchema(_Strict):
    id = _code(required=True)
    sku = _code(required=True)
    quantity = _int(1, "must be a positive integer", required=True)
    unit_price = _num(0, None, "must be a non-negative number", load_default=0.0)
    bundle = _str(load_default=None, allow_none=True)
    preshipped_source = _str(load_default=None, allow_none=True)
    allow_backorder = _bool(load_default=None, allow_none=True)
    attributes = fields.Dict(keys=fields.String(), load_default=dict)

    @post_load
    def make(self, data: dict, **_: Any) -> OrderLine:
        return OrderLine(**data)


class OrderSchema(_Strict):
    id = _code(required=True)
    channel = _str(load_default="")
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
    delivery = _nested(DeliverySchema, required=True)
    lines = _list(
        _nested(LineSchema), required=True, validate=validate.Length(min=1, error="must hold at least one line")
    )
    attributes = fields.Dict(keys=fields.String(), load_default=dict)

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
    return _load(NetworkSchema(), doc)


def load_order(doc: Any) -> Order:
    return _load(OrderSchema(), doc)


def _load(schema: Schema, doc: Any) -> Any:
    if not isinstance(doc, dict):
        raise InputError("", "must be a JSON object")
    try:
        return schema.load(doc)
    except ValidationError as err:
        path, message = first_error(err.messages)
        raise InputError(path, message) from None


def first_error(messages: Any, path: str = "") -> tuple[str, str]:
    """The first (path, message) of marshmallow's nested error dict, as ``lines[2].quantity``."""
    if isinstance(messages, list):
        first = messages[0]
        return first_error(first, path) if isinstance(first, dict | list) else (path, _lower(str(first)))
    if isinstance(messages, dict):
        key = sorted(messages, key=lambda k: (isinstance(k, str), k if isinstance(k, str) else f"{k:08d}"))[0]
        if isinstance(key, int):
            sub = f"{path}[{key}]"
        elif key == "_schema":
            sub = path
        else:
            sub = f"{path}.{key}" if path else key
        if messages[key] == ["Unknown field."]:
            return sub, "unknown field"
        return first_error(messages[key], sub)
    return path, _lower(str(messages))


def _lower(message: str) -> str:
    return message[:1].lower() + message[1:].rstrip(".") if message else message


class PlannedLineSchema(_Strict):
    line_id = _code(required=True)
    sku = _code(required=True)
    quantity = _int(1, "must be a positive integer", required=True)

    @post_load
    def make(self, data: dict, **_: Any) -> PlannedLine:
        return PlannedLine(**data)


class ShipmentSchema(_Strict):
    source = _code(required=True)
    kind = _choice("ship", "pickup", "ship_to_store", "virtual", "preshipped", required=True)
    destination = _code(required=True)
    lines = _list(_nested(PlannedLineSchema), required=True)
    cost = _num(required=True)
    distance_km = _num(load_default=0.0)

    @post_load
    def make(self, data: dict, **_: Any) -> Shipment:
        return Shipment(**{**data, "lines": tuple(data["lines"])})


class BackorderSchema(_Strict):
    line_id = _code(required=True)
    sku = _code(required=True)
    quantity = _int(1, "must be a positive integer", required=True)

    @post_load
    def make(self, data: dict, **_: Any) -> Backorder:
        return Backorder(**data)


class UnsourcedSchema(BackorderSchema):
    reason = _choice(*get_args(UnsourcedReason), required=True)
    rules = _list(_str(), load_default=list)

    @post_load
    def make(self, data: dict, **_: Any) -> Unsourced:
        return Unsourced(**{**data, "rules": tuple(data["rules"])})


class PlanSchema(Schema):
    """Loads a plan's JSON; unknown fields (``stats`` and later additions) are ignored."""

    class Meta:
        unknown = EXCLUDE

    order_id = _code(required=True)
    strategy = _str(required=True)
    optimal = _bool(required=True)
    shipments = _list(_nested(ShipmentSchema), required=True)
    backorders = _list(_nested(BackorderSchema), load_default=list)
    unsourced = _list(_nested(UnsourcedSchema), load_default=list)
    hold = _str(load_default=None, allow_none=True)
    explanation = _list(_str(), load_default=list)
    total_cost = _num(load_default=None)
    objective = _num(load_default=None)

    @post_load
    def make(self, data: dict, **_: Any) -> Plan:
        total, objective = data.pop("total_cost"), data.pop("objective")
        plan = Plan(**data)
        if objective is not None and total is not None:
            plan.rule_adjustment = objective - total
        return plan


def load_plan(doc: Any) -> Plan:
    return _load(PlanSchema(), doc)


def plan_to_dict(plan: Plan, with_stats: bool = False) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "order_id": plan.order_id,
        "strategy": plan.strategy,
        "optimal": plan.optimal,
        "shipments": [
            {
                "source": s.source,
                "kind": s.kind,
                "destination": s.destination,
                "lines": [{"line_id": ln.line_id, "sku": ln.sku, "quantity": ln.quantity} for ln in s.lines],
                "cost": _money(s.cost),
                "distance_km": round(s.distance_km, 3),
            }
            for s in plan.shipments
        ],
        "backorders": [{"line_id": b.line_id, "sku": b.sku, "quantity": b.quantity} for b in plan.backorders],
        "unsourced": [
            {
                "line_id": u.line_id,
                "sku": u.sku,
                "quantity": u.quantity,
                "reason": u.reason,
                **({"rules": list(u.rules)} if u.rules else {}),
            }
            for u in plan.unsourced
        ],
        "total_cost": _money(plan.total_cost),
        "objective": _money(plan.objective),
        "hold": plan.hold,
        "explanation": list(plan.explanation),
    }
    if with_stats:
        stats = plan.stats
        doc["stats"] = {
            "path": stats.path,
            "candidate_sources": stats.candidate_sources,
            "variables": stats.variables,
            "build_ms": round(stats.build_ms, 3),
            "solve_ms": round(stats.solve_ms, 3),
            "total_ms": round(stats.total_ms, 3),
            "fallback": stats.fallback,
            "hit_time_limit": stats.hit_time_limit,
        }
    return doc


def _money(value: float) -> float:
    """Six decimals: exact enough to recompute, free of float noise."""
    return round(value, 6) + 0.0
