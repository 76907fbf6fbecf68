"""The intake fields only the OMS reads (money), declared on the intake schema so that the API's spec shows them.

``oms.intake_money`` checks these fields on the raw document before the
schema sees the order (the engine reads none of them), so the fields here
only describe: each with the bounds that check applies.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from oms import limits as lim
from oms.domain.money import MAX_MONEY
from oms.intake_money import MAX_SERVICE_LINES, SERVICE_TYPES
from sourcing_engine.limits import MAX_LINES
from sourcing_engine.schemas.fields import code, listing, nested
from sourcing_engine.schemas.inputs import LineSchema, amount

LONG = {"maxLength": lim.MAX_CODE}
DIGITS = "at most the currency's minor digits (2 for EUR, 0 for JPY, 3 for BHD)"


def money(description: str, default: bool = True, **kw: Any) -> fields.Raw:
    """An amount: a JSON number or a decimal string such as "4.95", 0 to 10^15, with the currency's digits."""
    return fields.Raw(metadata=_money_doc(description, float(MAX_MONEY), default), **kw)


def _money_doc(description: str, maximum: float, default: bool = True) -> dict[str, Any]:
    return {
        "type": ["string", "number"],
        "minimum": 0,
        "maximum": maximum,
        "pattern": r"^\s*\d{1,16}(\.\d{1,4})?\s*$",
        **({"default": 0} if default else {}),
        "examples": ["4.95", 19.99],
        "description": f"{description}; {DIGITS}",
    }


def described_code(description: str, **kw: Any) -> fields.String:
    return fields.String(metadata={"minLength": 1, "maxLength": lim.MAX_CODE, "description": description}, **kw)


class IntakeLineSchema(LineSchema):
    """An order line: the engine's, plus what was paid for it (``discount`` and ``tax`` for the whole line)."""

    # The engine reads unit_price as a float (its check stays); the OMS reads it again as an exact decimal.
    unit_price = amount(
        load_default=0.0, metadata=_money_doc("the price of one unit, before discount and tax", lim.MAX_AMOUNT)
    )
    id = code(required=True, metadata=LONG)
    sku = code(required=True, metadata=LONG)
    bundle = code(load_default=None, allow_none=True, metadata=LONG)
    preshipped_source = code(load_default=None, allow_none=True, metadata=LONG)
    discount = money("the discount on the whole line, at most unit_price times quantity")
    tax = money("the tax on the whole line")


class ServiceLineSchema(Schema):
    """An order-level charge (MOM's SERVICE product type): refundable, never sourced."""

    id = described_code("unique among the order's lines and service lines", required=True)
    type = fields.String(load_default="shipping", metadata={"enum": list(SERVICE_TYPES)})
    amount = money("the charge, before tax", default=False, required=True)
    tax = money("its tax")


def currency() -> fields.String:
    return fields.String(
        metadata={
            "pattern": "^[A-Z]{3}$",
            "examples": ["EUR", "USD", "JPY"],
            "description": "ISO 4217 code of every amount of the order; default: the channel's currency",
        }
    )


def service_lines() -> fields.List:
    return fields.List(
        fields.Nested(ServiceLineSchema),
        metadata={"maxItems": MAX_SERVICE_LINES, "description": "delivery fees and services, refundable"},
    )


def lines() -> fields.List:
    """The engine's list of lines (same bounds and errors), of lines that show their money."""
    return listing(
        nested(IntakeLineSchema),
        MAX_LINES,
        required=True,
        validate=validate.Length(min=1, error="must hold at least one line"),
        metadata={"maxItems": MAX_LINES},
    )
