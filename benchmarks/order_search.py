"""How fast customer service finds an order among many: the order search on PostgreSQL (or SQLite).

    python -m benchmarks.order_search                    # 200,000 orders on PostgreSQL
    python -m benchmarks.order_search --orders 20000 --backend sqlite

A fresh database (created on the server named by --pg-url and dropped
afterwards) gets seeded generated orders, written straight to the tables
(one line each, customers from a pool of names with accents, phones with
punctuation); then each search runs --repeat times through the same handler
as ``oms orders search`` and ``GET /v1/orders``, and its median latency is printed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from oms.adapters import tables as t
from oms.adapters.database import Database
from oms.adapters.migrate import upgrade
from oms.contacts import search_keys
from oms.service.app import Oms
from oms.service.listing import OrderFilter, list_orders

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
FIRST = ["Zoë", "Max", "Léa", "Jürgen", "Ana", "Søren", "Chloé", "Ömer", "Ines", "Paul", "Marta", "Björn"]
LAST = ["Müller", "Schmidt", "García", "Dubois", "Kowalski", "Nørgaard", "Rossi", "Öztürk", "Novák", "Smith"]
STATUSES = [("COMPLETE", "FULLYSHIPPED")] * 6 + [("LOGISTICS", "READYTOSHIP")] * 3 + [("ONHOLD", "FRAUD_REVIEW")]
SEARCHES = {
    "name (prefix, folded)": {"name": "zoe mul"},
    "last name": {"name": "MÜLLER"},
    "email": {"email": "zoe.muller.4711@example.com"},
    "phone (digits)": {"phone": "+49 (30) 555-4711"},
    "postcode": {"postcode": "10 115"},
    "order id prefix": {"order_id": "W00471"},
    "status + reason": {"status": "ONHOLD", "reason": "FRAUD_REVIEW"},
    "name + postcode": {"name": "zoe", "postcode": "10115"},
    "sku": {"sku": "SKU-77"},
}


def rows(count: int, seed: int) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    orders, lines = [], []
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        customer = {
            "first_name": first,
            "last_name": last,
            "email": f"{first}.{last}.{i}@example.com".lower().replace("ë", "e").replace("ü", "u"),
            "phone": f"+49 (30) 555-{i}",
        }
        address = {"lat": 52.5, "lon": 13.4, "country": "DE", "postcode": f"{rng.randint(10000, 99999)}"}
        status, reason = rng.choice(STATUSES)
        at = start + timedelta(seconds=i * 30)
        orders.append(
            {
                "id": i + 1, "channel": "web", "number": f"W{i:07d}", "type": "normal", "status": status,
                "reason": reason, "delivery_method": "ship", "address": address, "created_at": at,
                "placed_at": at, "attributes": {}, "payload_hash": "-", "hold_released": False,
                "sourcing_attempts": 1, "bundle_attempts": {}, "customer": customer,
                **search_keys(customer, address),
            }
        )  # fmt: skip
        lines.append(
            {
                "order_id": i + 1, "line_id": "1", "sku": f"SKU-{rng.randint(0, 999)}", "quantity": 1,
                "unit_price": 10.0, "product_type": "physical", "attributes": {}, "position": 0,
                "declined_sources": [],
            }
        )  # fmt: skip
    return orders, lines


def measure(url: str, count: int, repeat: int, seed: int) -> dict[str, float]:
    db = Database(url)
    upgrade(db)
    orders, lines = rows(count, seed)
    with db.engine.begin() as conn:
        for start in range(0, count, 5000):
            conn.execute(insert(t.orders), orders[start : start + 5000])
            conn.execute(insert(t.order_lines), lines[start : start + 5000])
        if not db.is_sqlite:
            conn.execute(text("ANALYZE"))
    db.dispose()
    app = Oms.connect(url)
    results = {}
    for label, terms in SEARCHES.items():
        where = OrderFilter(**terms)
        list_orders(app, where, 50)  # warm
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            list_orders(app, where, 50)
            times.append((time.perf_counter() - started) * 1000)
        results[label] = statistics.median(times)
    app.db.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--pg-url", default=PG_ADMIN)
    args = parser.parse_args()
    if args.backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            results = measure(f"sqlite:///{Path(tmp) / 'search.sqlite'}", args.orders, args.repeat, args.seed)
    else:
        import psycopg

        name = f"oms_bench_search_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.pg_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            base = args.pg_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
            results = measure(f"{base}/{name}", args.orders, args.repeat, args.seed)
        finally:
            with psycopg.connect(args.pg_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"{args.orders:,} orders on {args.backend}, median of {args.repeat} searches (first page of 50):")
    for label, ms in results.items():
        print(f"  {label:24} {ms:8.2f} ms")


if __name__ == "__main__":
    main()
