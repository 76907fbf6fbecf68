"""Finding an order from what a customer says: the search filters of the order list, and its CSV export.

The list handler (``oms.service.listing.list_orders``) applies these filters
on top of its own; each compares a folded key (``oms.contacts``) so that
case, accents, spaces and a phone's punctuation do not matter, and each is
an equality or a prefix on an indexed column.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import Select, or_

from oms.adapters import tables as t
from oms.contacts import MAX_EMAIL, MAX_PHONE, MAX_STREET, digits, fold, fold_email, fold_postcode
from oms.errors import FieldError, InvalidInput
from oms.limits import MAX_CODE, MAX_POSTCODE, MAX_REASON, check_text

o = t.orders.c
# What the order grid shows, in its order: the CSV export's columns, named as its header.
CSV_COLUMNS = [
    ("order_id", "Order ID"),
    ("channel", "Channel"),
    ("type", "Type"),
    ("status", "Status"),
    ("reason", "Reason"),
    ("customer_name", "Customer"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("postcode", "Postcode"),
    ("delivery_method", "Delivery"),
    ("created_at", "Created"),
    ("placed_at", "Placed"),
]
BOUNDS = {
    "order_id": MAX_CODE,
    "name": MAX_STREET,
    "email": MAX_EMAIL,
    "phone": MAX_PHONE,
    "postcode": MAX_POSTCODE,
    "reason": MAX_REASON,
    "type": MAX_CODE,
}


def check_terms(terms: dict[str, str | None]) -> None:
    """Refuse, by name, a search term no order can match or the database cannot compare (NUL, surrogates)."""
    errors: list[FieldError] = []
    for name, limit in BOUNDS.items():
        check_text(errors, name, terms.get(name), limit)
    if not errors:
        if terms.get("name") is not None and not fold(terms["name"]):
            errors.append(FieldError("name", "must contain a letter or a digit"))
        if terms.get("phone") is not None and not digits(terms["phone"]):
            errors.append(FieldError("phone", "must contain digits"))
        if terms.get("postcode") is not None and not fold_postcode(terms["postcode"]):
            errors.append(FieldError("postcode", "must not be blank"))
    if errors:
        raise InvalidInput(errors)


def narrow(stmt: Select, terms: dict[str, str | None]) -> Select:
    """``stmt`` limited to the orders matching every term given."""
    if terms.get("order_id") is not None:
        stmt = stmt.where(o.number.like(_escaped(terms["order_id"]) + "%", escape="\\"))
    if terms.get("name") is not None:
        key = fold(terms["name"])  # letters, digits and spaces only: nothing LIKE would read as a wildcard
        stmt = stmt.where(or_(o.name_key.like(key + "%"), o.last_name_key.like(key + "%")))
    if terms.get("email") is not None:
        stmt = stmt.where(o.email_key == fold_email(terms["email"]))
    if terms.get("phone") is not None:
        stmt = stmt.where(o.phone_key == digits(terms["phone"]))
    if terms.get("postcode") is not None:
        stmt = stmt.where(o.postcode_key == fold_postcode(terms["postcode"]))
    if terms.get("reason") is not None:
        stmt = stmt.where(o.reason == terms["reason"])
    if terms.get("type") is not None:
        stmt = stmt.where(o.type == terms["type"])
    return stmt


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contact_summary(row: Any) -> dict[str, Any]:
    """The customer columns of an order's summary, as the grid shows them."""
    customer = row.customer or {}
    name = " ".join(p for p in (customer.get("first_name"), customer.get("last_name")) if p)
    return {
        "customer_name": name or None,
        "email": customer.get("email"),
        "phone": customer.get("phone"),
        "postcode": (row.address or {}).get("postcode"),
    }


def as_csv(items: list[dict[str, Any]], header: bool = True) -> str:
    """Order summaries as CSV with the grid's columns (cells that a spreadsheet would run as formulas quoted)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if header:
        writer.writerow([title for _, title in CSV_COLUMNS])
    for item in items:
        writer.writerow([_cell(item.get(key)) for key, _ in CSV_COLUMNS])
    return out.getvalue()


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
