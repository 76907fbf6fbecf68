"""The order grid: customer service's search (id, name, e-mail, phone, postcode...) with its CSV export.

The filters are the API's (``GET /v1/orders``), checked by the same schema,
and the search is the same handler (``oms.service.listing.list_orders``); a
user limited to channels finds only their orders.  Dates are whole days in
UTC: "from" is inclusive, "to" too (the handler's bound is the next midnight).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import marshmallow as ma
from flask import Response, render_template, request

from api.admin.access import admin_required, channels_limit
from api.admin.blueprint import bp
from api.http.extensions import current_oms
from api.http.orders.schemas import OrderListArgs
from oms.domain.statuses import OrderStatus
from oms.errors import InvalidInput
from oms.limits import MAX_ROW_ID
from oms.service.listing import OrderFilter, list_orders
from oms.service.search import CSV_COLUMNS, as_csv

PAGE_SIZE = 50
CSV_ROWS = 10_000  # one export at most; narrow the search for more
TEXT_FILTERS = ("order_id", "name", "email", "phone", "postcode", "channel", "sku", "reason")


class SearchArgs(OrderListArgs):
    after = ma.fields.Integer(validate=ma.validate.Range(1, MAX_ROW_ID))
    created_from = ma.fields.Date()  # type: ignore[assignment]  # the form's date fields: whole days
    created_to = ma.fields.Date()  # type: ignore[assignment]


def _filters() -> tuple[dict[str, Any], dict[str, str]]:
    """The search's filters from the query string (blank fields ignored), and the errors by field."""
    given = {k: v for k, v in request.args.items() if v.strip() != "" and k != "csrf_token"}
    try:
        return SearchArgs().load(given), {}
    except ma.ValidationError as err:
        messages = err.normalized_messages()
        errors = {k: "; ".join(v) if isinstance(v, list) else str(v) for k, v in messages.items()}
        return {}, errors


def _where(args: dict[str, Any]) -> OrderFilter:
    created_from: date | None = args.pop("created_from", None)
    created_to: date | None = args.pop("created_to", None)
    for name in ("after", "limit", "cursor"):
        args.pop(name, None)
    return OrderFilter(
        newest_first=args.pop("sort", "newest") == "newest",
        channels=channels_limit(),
        created_from=_midnight(created_from),
        created_to=_midnight(created_to + timedelta(days=1)) if created_to else None,
        **args,
    )


def _midnight(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None


@bp.route("/orders")
@admin_required("support")
def orders() -> Any:
    """Search orders; the page reads without JavaScript, one page of 50 at a time."""
    args, errors = _filters()
    after = args.get("after")
    found, failed = None, None
    if not errors:
        try:
            found = list_orders(current_oms(), _where(dict(args)), PAGE_SIZE, after)
        except InvalidInput as refused:
            errors = {e.path: e.message for e in refused.errors}
    if errors:
        failed = "; ".join(f"{k}: {v}" for k, v in errors.items())
    query = {k: v for k, v in request.args.items() if k != "after" and v.strip() != ""}
    return render_template(
        "admin/orders.html",
        found=found,
        errors=errors,
        failed=failed,
        query=query,
        columns=CSV_COLUMNS,
        statuses=[s.value for s in OrderStatus],
        types=("normal", "exchange", "reshipment"),
    ), (422 if errors else 200)


@bp.route("/orders.csv")
@admin_required("support")
def orders_csv() -> Any:
    """The search's matches as CSV (the grid's columns), up to 10,000 rows."""
    args, errors = _filters()
    if errors:
        detail = "; ".join(f"{k}: {v}" for k, v in errors.items())
        return Response(detail + "\n", 422, mimetype="text/plain")
    where, rows, after = _where(dict(args)), [], None
    while len(rows) < CSV_ROWS:
        page = list_orders(current_oms(), where, min(500, CSV_ROWS - len(rows)), after)
        rows.extend(page.items)
        if page.next_after is None:
            break
        after = page.next_after
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Response(
        as_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="orders-{stamp}.csv"'},
    )
