"""Order comments: what customer service and integrations write down about an order.

A comment has an author, a time, a text of 1 to 4,000 characters and a
visibility: ``internal`` (staff only, the default) or ``customer`` (may be
shown or sent to the customer).  Comments are never edited: a correction is
a new comment, so the history stays what it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from oms.domain.events import Event
from oms.errors import FieldError, InvalidInput
from oms.limits import MAX_COMMENT, text_problem

VISIBILITIES = ("internal", "customer")


@dataclass(frozen=True, slots=True)
class Comment:
    text: str
    visibility: str
    author: str
    at: datetime


def new_comment(text: Any, visibility: Any, author: str, at: datetime) -> Comment:
    """The comment, or ``InvalidInput`` naming every field out of bounds."""
    errors = []
    if not isinstance(text, str):
        errors.append(FieldError("text", "must be a string"))
    else:
        problem = text_problem(text, MAX_COMMENT, code=False)
        if problem is None and not text.strip():
            problem = "must not be blank (1 to 4,000 characters)"
        if problem is not None:
            errors.append(FieldError("text", problem))
    if visibility not in VISIBILITIES:
        errors.append(FieldError("visibility", f"must be one of {', '.join(VISIBILITIES)}"))
    if errors:
        raise InvalidInput(errors)
    return Comment(text, visibility, author, at)


@dataclass(slots=True)
class CommentAdded(Event):
    order_id: str
    channel: str
    comment: Comment
    comment_id: int
    at: datetime
    topic: str = "order.comment_added"

    @property
    def key(self) -> str:
        return self.order_id

    def payload(self) -> dict[str, Any]:
        c = self.comment
        return {
            "order_id": self.order_id,
            "channel": self.channel,
            "comment_id": self.comment_id,
            "author": c.author,
            "visibility": c.visibility,
            "text": c.text,
        }
