"""Order comments: add one (staff or an integration), list an order's, newest last."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from oms.adapters import tables as t
from oms.domain.comments import CommentAdded, new_comment
from oms.service.app import Oms, transact
from oms.service.unit_of_work import UnitOfWork
from oms.service.views import iso

c = t.order_comments.c


def add_comment(
    app: Oms, number: str, text: Any, channel: str | None = None, visibility: Any = "internal", actor: str = "operator"
) -> dict[str, Any]:
    """Record a comment on the order (and an ``order.comment_added`` event for the outbox)."""

    def work(uow: UnitOfWork) -> dict[str, Any]:
        order = uow.orders.by_number(number, channel)
        ctx = uow.context(actor)
        comment = new_comment(text, visibility, ctx.actor, ctx.now)
        row = {"order_id": order.id, "author": comment.author, "visibility": comment.visibility}
        comment_id = uow.session.execute(
            insert(t.order_comments).values(**row, text=comment.text, created_at=comment.at).returning(c.id)
        ).scalar_one()
        uow.events.append(CommentAdded(order.number, order.channel, comment, comment_id, ctx.now))
        uow.commit()
        return _view(comment_id, comment.author, comment.visibility, comment.text, comment.at)

    return transact(app, work)


def list_comments(app: Oms, number: str, channel: str | None = None) -> list[dict[str, Any]]:
    def read(uow: UnitOfWork) -> list[dict[str, Any]]:
        order = uow.orders.by_number(number, channel)
        return comments_of(uow, order.id)

    return transact(app, read, readonly=True)


def comments_of(uow: UnitOfWork, order_id: int | None) -> list[dict[str, Any]]:
    rows = uow.session.execute(select(t.order_comments).where(c.order_id == order_id).order_by(c.id))
    return [_view(r.id, r.author, r.visibility, r.text, r.created_at) for r in rows]


def _view(comment_id: int, author: str, visibility: str, text: str, at: Any) -> dict[str, Any]:
    return {"comment_id": comment_id, "author": author, "visibility": visibility, "text": text, "created_at": iso(at)}
