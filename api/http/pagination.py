"""Cursor pagination: ``?limit=&cursor=``, the next page's link in ``Link: <...>; rel="next"``.

A cursor is opaque to clients: the position after the last item of a page
(URL-safe base64 of a small JSON object).  Keyset pages stay correct while
new items arrive, unlike offsets.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from urllib.parse import quote

import marshmallow as ma
from flask import current_app, request

from api.http.config import MAX_PAGE_LIMIT
from api.http.extensions import Schema
from oms.errors import FieldError, InvalidInput


class PageArgs(Schema):
    limit = ma.fields.Integer(
        strict=False,
        validate=ma.validate.Range(1, MAX_PAGE_LIMIT),
        metadata={"description": f"items per page, 1 to {MAX_PAGE_LIMIT} (default OMS_PAGE_LIMIT, 50)"},
    )
    cursor = ma.fields.String(
        validate=ma.validate.Length(max=512), metadata={"description": "the next_cursor of the previous page"}
    )


class PageSchema(Schema):
    next_cursor = ma.fields.String(allow_none=True, metadata={"description": "null on the last page"})


def page_limit(args: dict[str, Any]) -> int:
    return args.get("limit") or current_app.config["OMS_PAGE_LIMIT"]


def encode_cursor(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, fields: dict[str, type]) -> dict[str, Any] | None:
    """The position in ``cursor``, each of ``fields`` of its type; 422 for anything this API did not hand out."""
    if not cursor:
        return None
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, RecursionError):
        position = None
    if (
        not isinstance(position, dict)
        or set(position) != set(fields)
        or not all(_fits(position[name], kind) for name, kind in fields.items())
    ):
        raise InvalidInput([FieldError("query.cursor", "not a cursor of this list; use next_cursor as given")])
    return position


def _fits(value: Any, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31
    return isinstance(value, kind)


def page(
    items: list[Any] | None, next_position: dict[str, Any] | None, limit: int, key: str = "items", **doc: Any
) -> tuple[dict, dict]:
    """The page body (``items`` under ``key``, and ``doc``) and its headers (flask-smorest unpacks the pair)."""
    headers = {}
    cursor = encode_cursor(next_position) if next_position is not None else None
    if cursor is not None:
        args = request.args.to_dict()
        args.update(cursor=cursor, limit=str(limit))
        query = "&".join(f"{k}={_quote(v)}" for k, v in args.items())
        headers["Link"] = f'<{request.base_url}?{query}>; rel="next"'
    body = {key: items} if items is not None else {}
    return {**body, "next_cursor": cursor, **doc}, headers


def _quote(value: str) -> str:
    return quote(value, safe="")
