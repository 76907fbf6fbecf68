"""Money: exact decimal amounts in an ISO 4217 currency, and the splits that always add up.

Amounts are ``Decimal`` end to end and never pass through a float.  An amount
that enters the OMS has at most its currency's minor digits (2 for EUR, 0 for
JPY, 3 for BHD); every computed amount is rounded half-even to that minor unit,
and a whole split into parts gives the remainder to the last part so that the
parts always sum exactly to the whole.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import cache
from typing import Any

from babel.numbers import get_currency_precision, list_currencies

ZERO = Decimal(0)
MAX_MONEY = Decimal(10) ** 15  # any one amount (a line's gross, a refund): fits Numeric(24, 4) with room for sums
MAX_DIGITS = 4  # the most minor digits any ISO 4217 currency has (CLF, UYW)
DEFAULT_CURRENCY = "EUR"


@cache
def currencies() -> frozenset[str]:
    return frozenset(c for c in list_currencies() if len(c) == 3 and c.isalpha() and c.isupper())


def minor_digits(currency: str) -> int:
    return int(get_currency_precision(currency))


def currency_problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    if value not in currencies():
        return f"must be an ISO 4217 currency code such as EUR, USD or JPY, not {value[:8]!r}"
    return None


def amount_problem(value: Any, digits: int = MAX_DIGITS, *, currency: str | None = None) -> str | None:
    """Why ``value`` (a JSON number or a decimal string) is not an amount of at most ``digits`` decimals."""
    parsed = _decimal(value)
    if parsed is None:
        return 'must be a decimal amount: a number or a string such as "4.95"'
    if not parsed.is_finite():
        return "must be a finite amount"
    if parsed < 0:
        return "must not be negative"
    if parsed > MAX_MONEY:
        return f"must be at most {MAX_MONEY:,.0f}"
    exponent = parsed.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > digits:
        unit = f"{currency}'s minor unit" if currency else "the currency's minor unit"
        return f"has too many decimals: at most {digits} ({unit})"
    return None


def to_amount(value: Any) -> Decimal:
    """The exact decimal of a checked amount (see ``amount_problem``)."""
    parsed = _decimal(value)
    if parsed is None or not parsed.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return parsed


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest decimal that reads back as this float: what was written
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str) and 0 < len(value) <= 40:
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def rounded(value: Decimal, currency: str) -> Decimal:
    """``value`` rounded half-even to the currency's minor unit."""
    return value.quantize(Decimal(1).scaleb(-minor_digits(currency)), rounding=ROUND_HALF_EVEN)


def share(whole: Decimal, units: int, total_units: int, currency: str) -> Decimal:
    """What the first ``units`` of ``total_units`` are worth when all of them are worth ``whole``.

    Cumulative shares make splits exact: the units from ``a`` to ``b`` are worth
    ``share(b) - share(a)``, so however a line's units are split, the parts sum
    to ``whole``, and the last unit takes the rounding remainder.
    """
    if units >= total_units:
        return whole
    if units <= 0 or total_units <= 0:
        return ZERO
    return rounded(whole * units / total_units, currency)


def allocate(amount: Decimal, weights: list[Decimal], currency: str) -> list[Decimal]:
    """``amount`` split in proportion to ``weights``, no part above its weight (``amount`` at most their sum).

    Cumulative rounded shares (half-even) make the parts sum exactly to
    ``amount``; a part that rounding lifted above its weight hands the excess
    to the parts that still have room.
    """
    total = sum(weights, ZERO)
    if total <= 0 or amount > total:
        raise ValueError("an amount over weights that cannot hold it")
    parts, before, running = [], ZERO, ZERO
    for weight in weights:
        running += weight
        upto = amount if running == total else rounded(amount * running / total, currency)
        parts.append(upto - before)
        before = upto
    excess = sum((p - w for p, w in zip(parts, weights, strict=True) if p > w), ZERO)
    for i, weight in enumerate(weights):
        if parts[i] > weight:
            parts[i] = weight
    for i, weight in enumerate(weights):
        moved = min(excess, weight - parts[i])
        parts[i] += moved
        excess -= moved
    return parts


def text(value: Decimal, currency: str) -> str:
    """The amount as JSON carries it: a string with exactly the currency's minor digits."""
    return str(rounded(value, currency))
