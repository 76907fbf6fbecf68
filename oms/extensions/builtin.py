"""The extensions every OMS has: re-source waiting orders, export stock as CSV, release remorse holds, purge history."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from marshmallow import Schema, fields, validate
from sqlalchemy import delete, select

from oms.adapters import tables as t
from oms.domain import holds
from oms.domain.statuses import OrderStatus, Reason
from oms.extensions import RunContext
from oms.service.sourcing import source_waiting


class NoParams(Schema):
    pass


class ResourceParams(Schema):
    sku = fields.List(fields.String(validate=validate.Length(1, 64)), load_default=list)


class ResourceWaiting:
    name = "resource-waiting"
    description = "Source every order waiting for stock again now, oldest first (optionally only for some SKUs)."
    schema = ResourceParams

    def run(self, ctx: RunContext) -> dict[str, int]:
        skus = set(ctx.params["sku"]) or None
        sourced = 0
        for order_id in ctx.uow.orders.waiting(skus):
            order = ctx.uow.orders.get(order_id, lock=True)
            parts = [p for p in order.waiting_parts() if p.reason != Reason.INITIALORDER]
            if parts and not order.is_final and order.status not in (OrderStatus.ONHOLD, OrderStatus.ERROR):
                context = ctx.uow.context(ctx.actor)
                source_waiting(ctx.app, ctx.uow, order, context, parts)
                order.refresh_status(context)
                sourced += 1
                ctx.log(f"{order.channel}/{order.number}: {order.status}/{order.reason}")
        return {"orders_sourced": sourced}


class ExportStock:
    name = "export-stock"
    description = "Every stock row (source, SKU, on hand, reserved, safety stock) as CSV in the run's log."
    schema = NoParams

    def run(self, ctx: RunContext) -> dict[str, int]:
        s = t.stock.c
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["source", "sku", "on_hand", "reserved", "safety_stock", "unlimited"])
        rows = ctx.uow.session.execute(select(t.stock).order_by(s.source, s.sku)).all()
        for r in rows:
            writer.writerow([r.source, r.sku, r.on_hand, r.reserved, r.safety_stock, r.unlimited])
        for line in out.getvalue().splitlines():
            ctx.log(line)
        return {"rows": len(rows)}


class ReleaseDueHolds:
    name = "release-due-holds"
    description = "Release and source every order whose channel's remorse period is over."
    schema = NoParams

    def run(self, ctx: RunContext) -> dict[str, int]:
        o = t.orders.c
        due = select(o.id).where(o.status == OrderStatus.ONHOLD, o.hold_reason == holds.REMORSE)
        released = 0
        for order_id in ctx.uow.session.scalars(due.where(o.hold_until <= ctx.uow.now).order_by(o.id)):
            order = ctx.uow.orders.get(order_id, lock=True)
            context = ctx.uow.context(ctx.actor)
            holds.lift(order)
            source_waiting(ctx.app, ctx.uow, order, context, order.waiting_parts(include_hold=True))
            order.refresh_status(context)
            released += 1
            ctx.log(f"{order.channel}/{order.number}: released, {order.status}/{order.reason}")
        return {"released": released}


class PurgeParams(Schema):
    days = fields.Integer(load_default=60, strict=True, validate=validate.Range(1, 36_500))


class PurgeStockHistory:
    name = "purge-stock-history"
    description = "Delete stock history older than N days (default 60, MOM's retention)."
    schema = PurgeParams

    def run(self, ctx: RunContext) -> dict[str, int]:
        before = ctx.uow.now - timedelta(days=ctx.params["days"])
        done = ctx.uow.session.execute(delete(t.stock_history).where(t.stock_history.c.at < before))
        ctx.log(f"deleted {done.rowcount} stock history rows from before {before.isoformat()}")
        return {"deleted": done.rowcount}


BUILTIN = [ResourceWaiting(), ExportStock(), ReleaseDueHolds(), PurgeStockHistory()]
