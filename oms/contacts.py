"""Who an order is for: the customer, the billing address and the shipping address's name, street and city.

Intake takes them apart from the engine's order (the engine needs only the
coordinates, country and postcode) and checks each field's bound here.  The
search keys derived from them are what support staff type: names folded to
lower case without accents, e-mail in lower case, phones as their digits,
postcodes in capitals without spaces, so that "Zoë  Müller", "ZOE MULLER"
and "zoe muller" find the same order.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from oms import limits as lim
from oms.errors import FieldError

MAX_PERSON_NAME = 100  # a first or last name
MAX_EMAIL = 254  # RFC 5321's limit on a path
MAX_PHONE = 32
MAX_STREET = 200
MAX_CITY = 100
MAX_ADDRESS_NAME = 200
MAX_NAME_KEY = 2 * MAX_PERSON_NAME + 1
MESSAGES = {"null": "must not be null", "invalid": "must be a string", "unknown": "unknown field"}
SHIPPING_EXTRAS = ("name", "street", "city")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def _text(limit: int, *also: Any) -> fields.String:
    return fields.String(
        validate=[lim.Text(limit, code=False), *also], allow_none=True, load_default=None, error_messages=MESSAGES
    )


class CustomerSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(validate=lim.Text(lim.MAX_CODE), allow_none=True, load_default=None, error_messages=MESSAGES)
    first_name = _text(MAX_PERSON_NAME)
    last_name = _text(MAX_PERSON_NAME)
    email = _text(MAX_EMAIL, validate.Regexp(_EMAIL, error="must be an e-mail address (name@domain)"))
    phone = _text(MAX_PHONE)


class AddressSchema(Schema):
    class Meta:
        unknown = RAISE

    name = _text(MAX_ADDRESS_NAME)
    street = _text(MAX_STREET)
    city = _text(MAX_CITY)
    postcode = _text(lim.MAX_POSTCODE)
    country = _text(lim.MAX_COUNTRY)


_CUSTOMER, _ADDRESS = CustomerSchema(), AddressSchema()


def take_contacts(doc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], list[FieldError]]:
    """``doc`` without the contact fields (for the engine), the contacts loaded, and every problem found."""
    rest = {k: v for k, v in doc.items() if k not in ("customer", "billing_address")}
    contacts: dict[str, Any] = {"customer": None, "billing_address": None, "shipping": {}}
    errors: list[FieldError] = []
    for key, schema in (("customer", _CUSTOMER), ("billing_address", _ADDRESS)):
        if doc.get(key) is not None:
            contacts[key] = _load(schema, doc[key], key, errors)
    address = (doc.get("delivery") or {}).get("address") if isinstance(doc.get("delivery"), dict) else None
    if isinstance(address, dict) and any(k in address for k in SHIPPING_EXTRAS):
        extras = {k: address[k] for k in SHIPPING_EXTRAS if k in address}
        loaded = _load(_ADDRESS, extras, "delivery.address", errors) or {}
        contacts["shipping"] = {k: loaded[k] for k in extras if k in loaded}
        kept = {k: v for k, v in address.items() if k not in SHIPPING_EXTRAS}
        rest["delivery"] = {**doc["delivery"], "address": kept}
    return rest, contacts, errors


def _load(schema: Schema, value: Any, path: str, errors: list[FieldError]) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        errors.append(FieldError(path, "must be a JSON object"))
        return None
    try:
        return schema.load(value)
    except ValidationError as err:
        messages = err.messages if isinstance(err.messages, dict) else {}
        errors += [FieldError(f"{path}.{k}", "; ".join(map(str, v))) for k, v in sorted(messages.items())]
        return None


# -- search keys ----------------------------------------------------------------------------------------


def fold(text: str | None) -> str:
    """Lower case, accents and punctuation dropped, spaces collapsed: how names are compared."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(letters.split())


def digits(text: str | None) -> str:
    return "".join(ch for ch in text or "" if ch in "0123456789")


def fold_email(text: str | None) -> str:
    return (text or "").strip().casefold()


def fold_postcode(text: str | None) -> str:
    return "".join((text or "").split()).upper()


def search_keys(customer: dict[str, Any] | None, address: dict[str, Any] | None) -> dict[str, str | None]:
    """The indexed columns of an order's search (None where there is nothing to find it by)."""
    c = customer or {}
    name = fold(f"{c.get('first_name') or ''} {c.get('last_name') or ''}")[:MAX_NAME_KEY]
    last = fold(c.get("last_name"))[:MAX_PERSON_NAME]
    return {
        "name_key": name or None,
        "last_name_key": last or None,
        "email_key": fold_email(c.get("email")) or None,
        "phone_key": digits(c.get("phone")) or None,
        "postcode_key": fold_postcode((address or {}).get("postcode")) or None,
    }
