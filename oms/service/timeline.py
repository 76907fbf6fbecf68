"""The order timeline: status history (orders, lines, shipment requests, holds and releases) merged with comments.

Entries share one shape (``at``, ``entity``, ``id``, ``from``, ``to``,
``reason``, ``actor``, ``note``), newest last; a comment is an entry of
entity ``comment`` whose ``to`` is its visibility and ``note`` its text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from oms.adapters import tables as t

if TYPE_CHECKING:
    from oms.domain.order import Order
    from oms.service.unit_of_work import UnitOfWork


def merged(history: list[dict[str, Any]], uow: UnitOfWork, order: Order) -> list[dict[str, Any]]:
    c = t.order_comments.c
    rows = uow.session.execute(select(t.order_comments).where(c.order_id == order.id).order_by(c.id))
    comments = [
        {
            "at": r.created_at.isoformat(),
            "entity": "comment",
            "id": str(r.id),
            "quantity": None,
            "from": None,
            "to": r.visibility,
            "reason": None,
            "actor": r.author,
            "note": r.text,
        }
        for r in rows
    ]
    # Stable: entries of the same instant keep their recorded order, the history's first.
    return sorted(history + comments, key=lambda e: e["at"])
