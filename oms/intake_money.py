"""The money of an order at intake: its currency, each line's price, discount and tax, its service lines.

The engine reads ``unit_price`` as a float for its costs; the OMS reads every
amount again from the document as an exact decimal, checked against the
order's currency (its minor digits), so money never passes through a float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from oms import limits as lim
from oms.domain.money import MAX_DIGITS, ZERO, amount_problem, currency_problem, minor_digits, to_amount
from oms.domain.order import ServiceLine
from oms.errors import FieldError

LINE_MONEY = ("discount", "tax")
SERVICE_TYPES = ("shipping", "service")
MAX_SERVICE_LINES = 100


@dataclass(slots=True)
class LineMoney:
    unit_price: Decimal = ZERO
    discount: Decimal = ZERO
    tax: Decimal = ZERO


@dataclass(slots=True)
class OrderMoney:
    currency: str
    lines: list[LineMoney] = field(default_factory=list)
    service_lines: list[ServiceLine] = field(default_factory=list)


def engine_document(doc: dict[str, Any]) -> dict[str, Any]:
    """The order without the fields only the OMS reads (the engine's schema refuses unknown fields)."""
    out = {k: v for k, v in doc.items() if k not in ("currency", "service_lines")}
    if isinstance(doc.get("lines"), list):
        out["lines"] = [_engine_line(ln) if isinstance(ln, dict) else ln for ln in doc["lines"]]
    return out


def _engine_line(line: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in line.items() if k not in LINE_MONEY}
    price = line.get("unit_price")
    if isinstance(price, str) and amount_problem(price) is None:  # a decimal string: the engine weighs a float
        out["unit_price"] = float(to_amount(price))
    return out


def money_problems(doc: dict[str, Any], currency: str | None) -> list[FieldError]:
    """Every problem of the order's amounts; ``currency`` None: the order's own, else at most 4 decimals."""
    errors: list[FieldError] = []
    if "currency" in doc and (problem := currency_problem(doc["currency"])):
        errors.append(FieldError("currency", problem))
    currency = currency or (doc.get("currency") if "currency" in doc and not errors else None)
    digits = minor_digits(currency) if currency else MAX_DIGITS
    lines = doc.get("lines") if isinstance(doc.get("lines"), list) else []
    for i, line in enumerate(lines):
        if not isinstance(line, dict):
            continue
        for name in ("unit_price", *LINE_MONEY):
            problem = amount_problem(line[name], digits, currency=currency) if name in line else None
            if problem and (name != "unit_price" or "decimals" in problem):  # the contract checks a price's range
                errors.append(FieldError(f"lines[{i}].{name}", problem))
        quantity = line.get("quantity")
        if "discount" in line and not _bad_line(line, i, errors) and type(quantity) is int and quantity > 0:
            gross = to_amount(line.get("unit_price", 0)) * quantity
            if to_amount(line.get("discount", 0)) > gross:
                errors.append(FieldError(f"lines[{i}].discount", "must not exceed unit_price times quantity"))
    # Only text ids can clash with a service line's; a malformed id (a list, a dict) is the contract's to report.
    ids = {ln["id"] for ln in lines if isinstance(ln, dict) and isinstance(ln.get("id"), str)}
    errors += _service_problems(doc, digits, currency, ids)
    return errors


def _bad_line(line: dict[str, Any], i: int, errors: list[FieldError]) -> bool:
    price = line.get("unit_price", 0)
    return any(e.path.startswith(f"lines[{i}].") for e in errors) or amount_problem(price) is not None


def _service_problems(doc: dict[str, Any], digits: int, currency: str | None, line_ids: set[Any]) -> list[FieldError]:
    if "service_lines" not in doc:
        return []
    services = doc["service_lines"]
    if not isinstance(services, list):
        return [FieldError("service_lines", "must be a list")]
    if len(services) > MAX_SERVICE_LINES:
        return [FieldError("service_lines", f"must hold at most {MAX_SERVICE_LINES} service lines")]
    errors, seen = [], set(line_ids)
    for i, service in enumerate(services):
        path = f"service_lines[{i}]"
        if not isinstance(service, dict):
            errors.append(FieldError(path, "must be a JSON object"))
            continue
        for unknown in sorted(set(service) - {"id", "type", "amount", "tax"}):
            errors.append(FieldError(f"{path}.{unknown}", "unknown field"))
        lim.check_text(errors, f"{path}.id", service.get("id"), lim.MAX_CODE)
        if "id" not in service:
            errors.append(FieldError(f"{path}.id", "missing required field"))
        elif isinstance(service["id"], str) and service["id"] in seen:
            errors.append(FieldError(f"{path}.id", f"{service['id']!r} is already the id of a line"))
        seen.add(service.get("id") if isinstance(service.get("id"), str) else None)
        if service.get("type", "shipping") not in SERVICE_TYPES:
            errors.append(FieldError(f"{path}.type", "must be one of shipping, service"))
        if "amount" not in service:
            errors.append(FieldError(f"{path}.amount", "missing required field"))
        for name in ("amount", "tax"):
            if name in service and (problem := amount_problem(service[name], digits, currency=currency)):
                errors.append(FieldError(f"{path}.{name}", problem))
    return errors


def order_money(doc: dict[str, Any], currency: str) -> OrderMoney:
    """The checked document's amounts as exact decimals (call ``money_problems`` first)."""
    money = OrderMoney(currency)
    for line in doc["lines"]:
        money.lines.append(LineMoney(*(to_amount(line.get(name, 0)) for name in ("unit_price", *LINE_MONEY))))
    for i, service in enumerate(doc.get("service_lines") or []):
        money.service_lines.append(
            ServiceLine(
                service["id"],
                service.get("type", "shipping"),
                to_amount(service["amount"]),
                to_amount(service.get("tax", 0)),
                position=i,
            )
        )
    return money
