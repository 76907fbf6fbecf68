"""Orders placed per second through the OMS, end to end: validate, source, reserve, commit.

    python -m benchmarks.oms_throughput                  # SQLite and PostgreSQL, 1 and 2 processes
    python -m benchmarks.oms_throughput --orders 3000 --backends postgresql --processes 2

Each run gets a fresh database (a SQLite file, or a PostgreSQL database
created on the server named by --pg-url and dropped afterwards), loads the
network of 30 sources at real cities with deep stock of 40 SKUs, and has every process place its
share of seeded random orders (1-4 lines, Zipf-like SKU popularity, 10% click
and collect, 20% with a bundle) after a short untimed warm-up.  Latency is per
``place_order`` call; throughput is all orders over the wall time from the
common start to the last finish.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
# 30 sources at real cities: the first 8 warehouses (ship, ship to store), the rest stores (ship, pickup).
SITES = [
    ("BER", 52.52, 13.40, "DE"),
    ("HAM", 53.55, 9.99, "DE"),
    ("FRA", 50.11, 8.68, "DE"),
    ("MUC", 48.14, 11.58, "DE"),
    ("LEJ", 51.34, 12.37, "DE"),
    ("DUS", 51.23, 6.78, "DE"),
    ("VIE", 48.21, 16.37, "AT"),
    ("AMS", 52.37, 4.90, "NL"),
    ("CGN", 50.94, 6.96, "DE"),
    ("STR", 48.78, 9.18, "DE"),
    ("DTM", 51.51, 7.47, "DE"),
    ("NUE", 49.45, 11.08, "DE"),
    ("DRS", 51.05, 13.74, "DE"),
    ("BRE", 53.08, 8.80, "DE"),
    ("HAJ", 52.38, 9.73, "DE"),
    ("BON", 50.74, 7.10, "DE"),
    ("MHM", 49.49, 8.47, "DE"),
    ("FRB", 47.99, 7.85, "DE"),
    ("KEL", 54.32, 10.14, "DE"),
    ("GRZ", 47.07, 15.44, "AT"),
    ("PRG", 50.08, 14.44, "CZ"),
    ("CPH", 55.68, 12.57, "DK"),
    ("BRU", 50.85, 4.35, "BE"),
    ("ROT", 51.92, 4.48, "NL"),
    ("ZRH", 47.37, 8.54, "CH"),
    ("LUX", 49.61, 6.13, "LU"),
    ("WAW", 52.23, 21.01, "PL"),
    ("MIL", 45.46, 9.19, "IT"),
    ("LYS", 45.76, 4.84, "FR"),
    ("PAR", 48.86, 2.35, "FR"),
]
SKUS = [f"SKU-{n:03d}" for n in range(40)]
WARMUP = 20


def bench_network() -> dict:
    """Sources at real cities with deep stock of every SKU, so that runs measure the OMS, not shortages."""
    sources = []
    for i, (city, lat, lon, country) in enumerate(SITES):
        warehouse = i < 8
        sources.append(
            {
                "code": f"{'WH' if warehouse else 'ST'}-{city}",
                "type": "warehouse" if warehouse else "store",
                "priority": i,
                "location": {"lat": lat, "lon": lon, "country": country},
                "capabilities": ["ship", "ship_to_store"] if warehouse else ["ship", "pickup"],
                "costs": {"fixed": 4.5 if warehouse else 6.0, "per_km": 0.002, "per_unit": 0.25 if warehouse else 0.5},
            }
        )
    stock = [{"source": s["code"], "sku": sku, "on_hand": 1_000_000} for s in sources for sku in SKUS]
    return {
        "sources": sources,
        "products": [{"sku": sku} for sku in SKUS],
        "stock": stock,
        "channels": [{"code": "web", "sources": "*"}],
    }


def make_orders(count: int, seed: int, prefix: str, skus: list[str], stores: list[str]) -> list[dict]:
    rng = random.Random(seed)
    weights = [1 / (rank + 1) for rank in range(len(skus))]
    orders = []
    for n in range(count):
        chosen = list(dict.fromkeys(rng.choices(skus, weights, k=rng.randint(1, 4))))
        lines = [
            {"id": str(i + 1), "sku": sku, "quantity": rng.randint(1, 3), "unit_price": 20.0}
            for i, sku in enumerate(chosen)
        ]
        if len(lines) >= 2 and rng.random() < 0.2:
            for line in lines[:2]:
                line["bundle"] = "B1"
        if rng.random() < 0.1:
            delivery = {"method": "pickup", "pickup_source": rng.choice(stores)}
        else:
            _, lat, lon, country = rng.choice(SITES)
            delivery = {
                "method": "ship",
                "address": {
                    "lat": lat + rng.uniform(-0.3, 0.3),
                    "lon": lon + rng.uniform(-0.3, 0.3),
                    "country": country,
                },
            }
        orders.append({"id": f"{prefix}-{n}", "channel": "web", "delivery": delivery, "lines": lines})
    return orders


def worker(url: str, orders: list[dict], warmup: list[dict], start: mp.Barrier, out: mp.Queue) -> None:  # type: ignore[type-arg]
    from oms.service.app import Oms
    from oms.service.orders import place_order

    app = Oms.connect(url)
    for doc in warmup:
        place_order(app, doc)
    start.wait()
    began = time.perf_counter()
    latencies = []
    for doc in orders:
        t0 = time.perf_counter()
        place_order(app, doc)
        latencies.append((time.perf_counter() - t0) * 1000)
    out.put((began, time.perf_counter(), latencies))
    app.db.dispose()


def fresh_database(backend: str, directory: Path, pg_admin: str) -> tuple[str, object]:
    if backend == "sqlite":
        return f"sqlite:///{directory / f'bench-{uuid.uuid4().hex[:6]}.sqlite'}", None
    import psycopg

    name = f"oms_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = pg_admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}", name


def drop_database(name: object, pg_admin: str) -> None:
    if name:
        import psycopg

        with psycopg.connect(pg_admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(backend: str, processes: int, count: int, pg_admin: str, seed: int) -> dict:
    from oms.adapters.migrate import upgrade
    from oms.service.app import Oms
    from oms.service.catalog import load_network

    with tempfile.TemporaryDirectory(prefix="oms-bench-") as tmp:
        url, name = fresh_database(backend, Path(tmp), pg_admin)
        try:
            app = Oms.connect(url)
            upgrade(app.db)
            network = bench_network()
            load_network(app, network)
            app.db.dispose()
            stores = [s["code"] for s in network["sources"] if "pickup" in s["capabilities"]]
            ctx = mp.get_context("spawn")
            barrier, queue = ctx.Barrier(processes), ctx.Queue()
            procs = []
            for p in range(processes):
                mine = make_orders(count // processes, seed + p, f"P{p}", SKUS, stores)
                warm = make_orders(WARMUP, seed + 100 + p, f"W{p}", SKUS, stores)
                proc = ctx.Process(target=worker, args=(url, mine, warm, barrier, queue))
                proc.start()
                procs.append(proc)
            results = [queue.get() for _ in procs]
            for proc in procs:
                proc.join()
        finally:
            drop_database(name, pg_admin)
    began = min(r[0] for r in results)
    ended = max(r[1] for r in results)
    latencies = sorted(x for r in results for x in r[2])
    return {
        "backend": backend,
        "processes": processes,
        "orders": len(latencies),
        "orders_per_s": len(latencies) / (ended - began),
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=2000, help="orders per run (shared by the processes)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--processes", default="1,2")
    parser.add_argument("--pg-url", default=PG_ADMIN, help="an admin connection to create throwaway databases")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    print("| backend | processes | orders | orders/s | p50 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for backend in args.backends.split(","):
        for processes in (int(p) for p in args.processes.split(",")):
            r = run(backend, processes, args.orders, args.pg_url, args.seed)
            print(
                f"| {r['backend']} | {r['processes']} | {r['orders']} | {r['orders_per_s']:.0f} | "
                f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
