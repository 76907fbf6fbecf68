"""The network document as the OMS loads it: sources, products, channels and stock rows, checked whole.

Sources come through the engine's schema (``docs/contract.md``); the OMS adds
what its columns need (lengths, priorities, numbers that are numbers), the
products' and channels' own schemas, and stock rows of its own: they may name
a source already in the database, ``on_hand`` is never negative, and the
``reserved`` the engine's format carries is ignored.  Every problem is
reported at once, each with its JSON path; nothing is loaded unless all is
well.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from oms import limits as lim
from oms.errors import FieldError, InvalidInput
from sourcing_engine.schemas import error_paths

NETWORK_KEYS = ("sources", "products", "stock", "channels")
MESSAGES = {"required": "missing required field", "null": "must not be null", "invalid": "has the wrong type"}


def text(limit: int, *, code: bool = True, **kw: Any) -> fields.String:
    return fields.String(
        validate=lim.Text(limit, code=code), error_messages={**MESSAGES, "invalid": "must be a string"}, **kw
    )


def choice(*choices: str, **kw: Any) -> fields.String:
    return fields.String(
        validate=validate.OneOf(choices, error=f"must be one of {', '.join(choices)}"),
        error_messages={**MESSAGES, "invalid": "must be a string"},
        **kw,
    )


def integer(low: int, high: int, **kw: Any) -> fields.Integer:
    message = f"must be an integer between {low:,} and {high:,}"
    return lim.Count(
        strict=True,
        validate=validate.Range(min=low, max=high, error=message),
        error_messages={**MESSAGES, "invalid": message},
        **kw,
    )


def boolean(**kw: Any) -> fields.Boolean:
    return fields.Boolean(
        truthy={True}, falsy={False}, error_messages={**MESSAGES, "invalid": "must be true or false"}, **kw
    )


def tags(**kw: Any) -> fields.List:
    return fields.List(
        text(lim.MAX_TAG),
        validate=validate.Length(max=lim.MAX_TAGS, error=f"must hold at most {lim.MAX_TAGS} tags"),
        error_messages={**MESSAGES, "invalid": "must be a list"},
        **kw,
    )


class ProductSchema(Schema):
    """The engine's product, plus the OMS's product types and ``price_adjustable``."""

    class Meta:
        unknown = RAISE

    sku = text(lim.MAX_CODE, required=True)
    type = choice("physical", "virtual", "service", "shipping", load_default="physical")
    manage_stock = boolean(load_default=True)
    backorders = boolean(load_default=False)
    price_adjustable = boolean(load_default=False)
    tags = tags(load_default=list)
    attributes = fields.Dict(keys=fields.String(), load_default=dict)

    @post_load
    def make(self, data: dict, **_: Any) -> dict[str, Any]:
        return {**data, "tags": sorted(set(data["tags"]))}


class ChannelSourceSchema(Schema):
    class Meta:
        unknown = RAISE

    source = text(lim.MAX_CODE, required=True)
    priority = integer(-lim.MAX_PRIORITY, lim.MAX_PRIORITY, load_default=None, allow_none=True)


REASON_CODE = validate.Regexp(
    r"^[A-Z][A-Z0-9_]{0,39}$", error="must be a reason code: capitals, digits, _ (at most 40)"
)


class PostSalesSchema(Schema):
    """A channel's post-sales settings (see docs/post-sales.md); what is left out keeps its default."""

    class Meta:
        unknown = RAISE

    auto_approve_returns = boolean()
    auto_release_refunds = boolean()
    restock_returns = boolean()
    refund_service_lines = boolean()
    refund_damaged = boolean()
    return_virtual = boolean()
    return_reasons = fields.List(fields.String(validate=REASON_CODE), validate=validate.Length(min=1, max=100))
    appeasement_reasons = fields.List(fields.String(validate=REASON_CODE), validate=validate.Length(min=1, max=100))
    max_price_increase_pct = integer(0, 1000)
    max_price_decrease_pct = integer(0, 100)
    reshipment_reasons = fields.List(fields.String(validate=REASON_CODE), validate=validate.Length(min=1, max=100))
    exchange_mode = choice("immediate", "after_return")


def _currency(value: Any) -> None:
    from oms.domain.money import currency_problem

    if (problem := currency_problem(value)) is not None:
        raise ValidationError(problem)


class ChannelSchema(Schema):
    class Meta:
        unknown = RAISE

    code = text(lim.MAX_CODE, required=True)
    name = text(lim.MAX_NAME, code=False, load_default="")
    sources = fields.Raw(load_default="*")
    backorders = boolean(load_default=None, allow_none=True)
    sourcing_mode = choice("direct", "batch", load_default="direct")
    strategy = choice("optimal", "priority", "distance", load_default="optimal")
    backorder_exception_days = integer(0, lim.MAX_EXCEPTION_DAYS, load_default=7, allow_none=True)
    low_stock_threshold = integer(0, lim.MAX_STOCK_QUANTITY, load_default=None, allow_none=True)
    max_line_quantity = integer(1, lim.MAX_LINE_QUANTITY, load_default=lim.DEFAULT_LINE_QUANTITY)
    remorse_minutes = integer(0, lim.MAX_REMORSE_MINUTES, load_default=0)
    wave = fields.Raw(load_default=None, allow_none=True)  # batch channels: oms.domain.waves.WaveSettings
    currency = fields.String(load_default="EUR", validate=_currency)
    post_sales = fields.Nested(PostSalesSchema, load_default=None, allow_none=True)

    @validates_schema
    def check_sources(self, data: dict, **_: Any) -> None:
        links = data.get("sources", "*")
        if links == "*":
            return
        if not isinstance(links, list):
            raise ValidationError({"sources": ['must be "*" or a list of source codes or {source, priority}']})
        errors: dict[int, Any] = {}
        seen: set[str] = set()
        for i, link in enumerate(links):
            if isinstance(link, str):
                found = {"_schema": [p]} if (p := lim.text_problem(link, lim.MAX_CODE)) else {}
            elif isinstance(link, dict):
                found = ChannelSourceSchema().validate(link)
            else:
                found = {"_schema": ["must be a code or an object"]}
            code = link if isinstance(link, str) else link.get("source") if isinstance(link, dict) else None
            if not found and code in seen:
                found = {"_schema": [f"source {code!r} listed twice"]}
            seen.add(code)  # type: ignore[arg-type]
            if found:
                errors[i] = found
        if errors:
            raise ValidationError({"sources": errors})


class StockRowSchema(Schema):
    """A network file's stock row: applied like a DELTA snapshot of that source."""

    class Meta:
        unknown = RAISE

    source = text(lim.MAX_CODE, required=True)
    sku = text(lim.MAX_CODE, required=True)
    on_hand = integer(0, lim.MAX_STOCK_QUANTITY, load_default=0)
    reserved = integer(0, lim.MAX_STOCK_QUANTITY, load_default=0)
    safety_stock = integer(0, lim.MAX_STOCK_QUANTITY, load_default=0)
    unlimited = boolean(load_default=False)


def load_products(docs: Any) -> list[dict[str, Any]]:
    products = _many(ProductSchema, docs, "products")
    _refuse(_duplicates(products, "sku", "products"))
    return products


def load_channels(docs: Any) -> list[dict[str, Any]]:
    channels = _many(ChannelSchema, docs, "channels")
    _refuse(_duplicates(channels, "code", "channels"))
    return channels


def load_stock_rows(docs: Any) -> list[dict[str, Any]]:
    rows = _many(StockRowSchema, docs, "stock")
    seen: set[tuple[str, str]] = set()
    errors = []
    for i, row in enumerate(rows):
        key = (row["source"], row["sku"])
        if key in seen:
            errors.append(FieldError(f"stock[{i}].sku", f"second stock row for {row['sku']!r} at {row['source']!r}"))
        seen.add(key)
    _refuse(errors)
    return rows


def source_problems(docs: Any) -> list[FieldError]:
    """What the OMS's source columns need beyond the engine's schema."""
    if not isinstance(docs, list):
        return []
    errors: list[FieldError] = []
    for i, doc in enumerate(docs):
        if not isinstance(doc, dict):
            continue
        at = f"sources[{i}]"
        lim.check_text(errors, f"{at}.code", doc.get("code"), lim.MAX_CODE)
        lim.check_text(errors, f"{at}.name", doc.get("name"), lim.MAX_NAME, code=False)
        location = doc.get("location")
        if isinstance(location, dict):
            lim.check_text(errors, f"{at}.location.country", location.get("country"), lim.MAX_COUNTRY)
            lim.check_text(errors, f"{at}.location.postcode", location.get("postcode"), lim.MAX_POSTCODE)
        priority = doc.get("priority")
        if isinstance(priority, int) and not isinstance(priority, bool) and abs(priority) > lim.MAX_PRIORITY:
            errors.append(
                FieldError(f"{at}.priority", f"must be between -{lim.MAX_PRIORITY:,} and {lim.MAX_PRIORITY:,}")
            )
        tag_list = doc.get("tags") if isinstance(doc.get("tags"), list) else []
        for j, tag in enumerate(tag_list):
            lim.check_text(errors, f"{at}.tags[{j}]", tag, lim.MAX_TAG)
        if len(tag_list) > lim.MAX_TAGS:
            errors.append(FieldError(f"{at}.tags", f"must hold at most {lim.MAX_TAGS} tags"))
    numbers = [("*", "location", "lat"), ("*", "location", "lon"), ("*", "priority")]
    costs = [("*", "costs", name) for name in ("fixed", "per_km", "per_unit")]
    return (
        errors
        + lim.number_problems(docs, numbers, "sources")
        + lim.number_problems(docs, costs, "sources", maximum=lim.MAX_AMOUNT)
    )


def _many(schema: type[Schema], docs: Any, root: str) -> list[dict[str, Any]]:
    if not isinstance(docs, list):
        raise InvalidInput([FieldError(root, "must be a list")])
    try:
        return schema(many=True).load(docs)
    except ValidationError as err:
        raise InvalidInput([FieldError(p, m) for p, m in error_paths(err.messages, root)]) from None


def _duplicates(docs: list[dict[str, Any]], key: str, root: str) -> list[FieldError]:
    seen: set[str] = set()
    errors = []
    for i, doc in enumerate(docs):
        if doc[key] in seen:
            errors.append(FieldError(f"{root}[{i}].{key}", f"duplicate {key} {doc[key]!r}"))
        seen.add(doc[key])
    return errors


def _refuse(errors: list[FieldError]) -> None:
    if errors:
        raise InvalidInput(errors)
