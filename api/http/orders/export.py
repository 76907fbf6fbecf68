"""The order list as CSV (``Accept: text/csv``): the same page, the order grid's columns.

The next page's cursor goes in the ``Link`` header, as for the JSON list, so
that an export walks the whole result a page at a time.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request

from api.http.pagination import page
from oms.service.search import as_csv


def wants_csv() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/csv"])
    return best == "text/csv" and request.accept_mimetypes["text/csv"] > request.accept_mimetypes["application/json"]


def csv_page(items: list[dict[str, Any]], next_position: dict[str, Any] | None, limit: int) -> Response:
    _, headers = page(items, next_position, limit)
    headers["Content-Disposition"] = 'attachment; filename="orders.csv"'
    return Response(as_csv(items), 200, headers, mimetype="text/csv")
