"""The rules language's bounds: what a merchant may write, checked with the line and column.

Amounts are bounded so that the optimizer can compare plans to the cent (its
costs become integers): a million per unit or per shipment already keeps a
source out of any plan that has another way; ``exclude`` says so outright.
"""

from __future__ import annotations

MAX_NUMBER = 10**15  # any number literal, in size: integers stay exact in a double
MAX_AMOUNT = 1_000_000  # `by AMOUNT`, split_penalty
MAX_SHIPMENTS = 1_000  # max_shipments
MAX_TIME_LIMIT_SECONDS = 3_600  # time_limit: one hour per order
MAX_ATTEMPTS = 1_000  # bundles split_after N
MAX_PRIORITY = 1_000_000  # rule priority, in size
MAX_VERSION = 2**31 - 1  # a ruleset's version, stored in a 32-bit column
