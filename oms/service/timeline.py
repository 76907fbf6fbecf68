"""The order timeline: status history (orders, lines, shipment requests, holds and releases), comments, messages.

Entries share one shape (``at``, ``entity``, ``id``, ``from``, ``to``,
``reason``, ``actor``, ``note``), newest last; a comment is an entry of
entity ``comment`` whose ``to`` is its visibility and ``note`` its text; a
message sent to the customer is an entry of entity ``message`` whose ``to``
is the message (``shipment_confirmation``...) and ``note`` the address; a
post-sales step (``return``, ``refund``, ``appeasement``, ``reshipment``,
``price``) is read from its outbox event, ``to`` being what happened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

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
    extra = messages_sent(uow, order) + post_sales_steps(uow, order)
    return sorted(history + comments + extra, key=lambda e: e["at"])


POST_SALES = ("return", "refund", "appeasement", "reshipment", "exchange", "price")


def post_sales_steps(uow: UnitOfWork, order: Order) -> list[dict[str, Any]]:
    """Returns, refunds, appeasements, reshipments and price changes, from the events written with each step."""
    x = t.outbox.c
    families = or_(*(x.topic.like(f"{family}.%") for family in POST_SALES))
    stmt = select(x.id, x.topic, x.payload, x.created_at).where(x.key == order.number, families).order_by(x.id)
    entries = []
    for r in uow.session.execute(stmt):
        p = r.payload if isinstance(r.payload, dict) else {}
        if p.get("channel", order.channel) != order.channel:
            continue
        entity, _, step = r.topic.partition(".")
        entries.append(
            {
                "at": r.created_at.isoformat(),
                "entity": entity,
                "id": str(p.get("id") or p.get("order_id") or ""),
                "quantity": None,
                "from": None,
                "to": step,
                "reason": p.get("reason"),
                "actor": p.get("released_by")
                or p.get("cancelled_by")
                or p.get("updated_by")
                or p.get("created_by")
                or "oms",
                "note": _post_sales_note(entity, p),
            }
        )
    return entries


def _post_sales_note(entity: str, p: dict[str, Any]) -> str | None:
    if entity == "price":
        return f"line {p.get('line_id')}: {p.get('old_price')} -> {p.get('new_price')} {p.get('currency')}"
    if entity in ("reshipment", "exchange"):
        return f"order {p.get('order_id')}"
    if "amount" in p:
        return f"{p['amount']} {p.get('currency', '')}".strip()
    return None


def messages_sent(uow: UnitOfWork, order: Order) -> list[dict[str, Any]]:
    """The e-mails the relay delivered about the order (its delivery log, successful attempts)."""
    x, d = t.outbox.c, t.deliveries.c
    stmt = (
        select(d.id, d.target, d.at, x.payload)
        .join(t.outbox, x.id == d.outbox_id)
        .where(x.key == order.number, d.ok.is_(True), d.target.like("email:%"))
        .order_by(d.id)
    )
    entries = []
    for r in uow.session.execute(stmt):
        if isinstance(r.payload, dict) and r.payload.get("channel", order.channel) != order.channel:
            continue  # another channel's order of the same number
        _, name, address = r.target.split(":", 2)
        entries.append(
            {
                "at": r.at.isoformat(),
                "entity": "message",
                "id": str(r.id),
                "quantity": None,
                "from": None,
                "to": name,
                "reason": None,
                "actor": "relay",
                "note": address,
            }
        )
    return entries
