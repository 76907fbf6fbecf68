"""Stock messages from sources (MOM §9): snapshots FULL, NONZERO, DELTA, and relative adjustments.

A message is checked whole before anything is applied (at most 10,000
items, known sources, quantities within bounds).  Stock is never negative:
an adjustment that would take on-hand below zero stops at zero, with a
warning; one that leaves on-hand under what is reserved is accepted (the
shelf is what it is) and the reservations it no longer covers are flagged as
stock-shortfall exceptions.  A message with a ``reference`` is applied once:
the same reference again answers the first result and changes nothing.
Every changed row is kept in the stock history.  Where availability grew,
waiting orders are sourced again, oldest first, each in its own transaction
after the stock commit.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from oms.adapters import tables as t
from oms.errors import Conflict, FieldError, InvalidInput
from oms.limits import MAX_ACTOR, MAX_STOCK_QUANTITY, refuse_bad_texts
from oms.schemas import load_stock_message
from oms.service.app import Oms, transact
from oms.service.background import restocked
from oms.service.unit_of_work import UnitOfWork

s = t.stock.c
Row = tuple[int, int, int, bool]  # on_hand, reserved, safety_stock, unlimited


@dataclass(slots=True)
class StockResult:
    changed: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    grew: set[str] = field(default_factory=set)  # SKUs whose availability grew somewhere
    resourced: int = 0
    replayed: bool = False  # the same reference was applied before: this is that result, nothing changed

    def as_json(self) -> dict[str, object]:
        return {
            "changed": self.changed,
            "unchanged": self.unchanged,
            "orders_resourced": self.resourced,
            "warnings": self.warnings,
            "replayed": self.replayed,
        }


def update_stock(app: Oms, doc: Any, actor: str = "stock-feed", resource: bool = True) -> StockResult:
    """Apply a stock message whole, or nothing; a message whose ``reference`` was seen before changes nothing."""
    message = load_stock_message(doc)
    refuse_bad_texts(("actor", actor, MAX_ACTOR, False))
    digest = hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()).hexdigest()

    def work(uow: UnitOfWork) -> StockResult:
        if message["reference"]:
            seen = _seen(uow, message["reference"], digest)
            if seen is not None:
                return seen
        known = set(uow.catalog.source_codes())
        errors = [
            FieldError(f"items[{i}].source", f"unknown source {item['source']!r}")
            for i, item in enumerate(message["items"])
            if item["source"] not in known
        ]
        if errors:
            raise InvalidInput(errors)
        result = StockResult()
        by_source: dict[str, list[dict[str, Any]]] = {}
        for i, item in enumerate(message["items"]):
            by_source.setdefault(item["source"], []).append({**item, "at": f"items[{i}]"})
        if message["mode"] in ("NONZERO", "FULL") and message["source"] and message["source"] not in by_source:
            by_source[message["source"]] = []  # an empty NONZERO snapshot zeroes the whole source
        reference = message["reference"] or f"{message['mode']} message"
        for code in sorted(by_source):
            apply_items(uow, code, by_source[code], message["mode"], reference, result)
        uow.commit(last=lambda: _remember(uow, message["reference"], digest, result, actor))
        result.warnings += uow.notes
        return result

    result = transact(app, work)
    if resource and result.grew and not result.replayed:
        result.resourced = restocked(app, result.grew)
    return result


def _seen(uow: UnitOfWork, reference: str, digest: str) -> StockResult | None:
    row = uow.session.execute(select(t.stock_messages).where(t.stock_messages.c.reference == reference)).first()
    if row is None:
        return None
    if row.payload_hash != digest:
        raise Conflict(f"reference {reference!r} was used for a different stock message; nothing changed")
    first = row.result
    return StockResult(first["changed"], first["unchanged"], list(first["warnings"]), replayed=True)


def _remember(uow: UnitOfWork, reference: str | None, digest: str, result: StockResult, actor: str) -> None:
    """Keep the message's result under its reference, in the same transaction as its changes."""
    if not reference:
        return
    outcome = {"changed": result.changed, "unchanged": result.unchanged, "warnings": result.warnings + uow.notes}
    uow.session.execute(
        insert(t.stock_messages).values(
            reference=reference, payload_hash=digest, result=outcome, actor=actor, received_at=uow.now
        )
    )


def apply_items(
    uow: UnitOfWork, code: str, items: list[dict[str, Any]], mode: str, reference: str, result: StockResult
) -> None:
    """Apply one source's items in ``mode``; rows are read under lock, written in one batch."""
    skus = sorted({item["sku"] for item in items})
    stmt = select(s.sku, s.on_hand, s.reserved, s.safety_stock, s.unlimited).where(s.source == code)
    if mode in ("DELTA", "ADJUST"):
        stmt = stmt.where(s.sku.in_(skus))
    if uow.stock.lock_rows:
        stmt = stmt.order_by(s.sku).with_for_update()
    current: dict[str, Row] = {
        r.sku: (r.on_hand, r.reserved, r.safety_stock, r.unlimited) for r in uow.session.execute(stmt)
    }
    target: dict[str, Row] = {}
    for item in items:
        on_hand, reserved, safety, unlimited = current.get(item["sku"], (0, 0, 0, False))
        on_hand = _adjusted(code, item, on_hand, result) if mode == "ADJUST" else item["quantity"]
        safety = item["safety_stock"] if item["safety_stock"] is not None else safety
        unlimited = item["unlimited"] if item["unlimited"] is not None else unlimited
        target[item["sku"]] = (on_hand, reserved, safety, unlimited)
    listed = set(target)
    for sku, row in current.items():
        if sku in listed:
            continue
        if mode == "NONZERO" and not row[3] and row[0] != 0:
            target[sku] = (0, row[1], row[2], row[3])
        elif mode == "FULL":
            result.warnings.append(f"{code}: {sku} missing from the FULL snapshot; kept at {row[0]}")
    updates, inserts = [], []
    for sku, after in sorted(target.items()):
        before = current.get(sku)
        if before == after:
            result.unchanged += 1
            continue
        result.changed += 1
        if before is None:
            inserts.append(
                {
                    "source": code,
                    "sku": sku,
                    "on_hand": after[0],
                    "reserved": 0,
                    "safety_stock": after[2],
                    "unlimited": after[3],
                    "updated_at": uow.now,
                }
            )
        else:
            updates.append(
                {
                    "b_source": code,
                    "b_sku": sku,
                    "b_on_hand": after[0],
                    "b_safety": after[2],
                    "b_unlimited": after[3],
                    "b_at": uow.now,
                }
            )
        was = before or (0, 0, 0, False)
        if _available(after) > _available(was):
            result.grew.add(sku)
        uow.stock.record(code, sku, after[0] - was[0], 0, after, f"stock_{mode.lower()}", reference, uow.now, was)
    if updates:
        uow.session.execute(
            update(t.stock)
            .where(s.source == bindparam("b_source"), s.sku == bindparam("b_sku"))
            .values(
                on_hand=bindparam("b_on_hand"),
                safety_stock=bindparam("b_safety"),
                unlimited=bindparam("b_unlimited"),
                updated_at=bindparam("b_at"),
            ),
            updates,
        )
    if inserts:
        uow.session.execute(insert(t.stock), inserts)


def _adjusted(code: str, item: dict[str, Any], on_hand: int, result: StockResult) -> int:
    """On hand after an adjustment: never below zero (clamped, with a warning), never above the bound (refused)."""
    after = on_hand + item["quantity"]
    if after > MAX_STOCK_QUANTITY:
        where = f"{item.get('at', 'items')}.quantity"
        raise InvalidInput(
            [FieldError(where, f"would take on hand to {after:,}, above the limit of {MAX_STOCK_QUANTITY:,}")]
        )
    if after < 0:
        result.warnings.append(
            f"{code}: {item['sku']} adjusted by {item['quantity']} with {on_hand} on hand: clamped at 0"
        )
        return 0
    return after


def _available(row: Row) -> float:
    on_hand, reserved, safety, unlimited = row
    return float("inf") if unlimited else max(0, on_hand - safety - reserved)
