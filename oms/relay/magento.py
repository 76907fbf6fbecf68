"""The Magento storefront's order state for an OMS order, so that a connector can follow one webhook.

Magento's states: ``new``, ``holded``, ``processing``, ``complete``,
``canceled`` and ``closed`` (fully refunded: set by post-sales, not here).
"""

from __future__ import annotations

CANCELLED_REASONS = {"FULLYCANCELLED"}


def magento_state(status: str | None, reason: str | None) -> str | None:
    if status is None:
        return None
    if status == "CANCELLED" or (status in ("COMPLETE", "LOGISTICSCOMPLETE") and reason in CANCELLED_REASONS):
        return "canceled"
    return {
        "NEW": "new",
        "ONHOLD": "holded",
        "APPROVED": "processing",
        "LOGISTICS": "processing",
        "LOGISTICSCOMPLETE": "processing",
        "COMPLETE": "complete",
        "ERROR": "holded",
    }.get(status)
