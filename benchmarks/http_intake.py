"""Order intake over HTTP against `oms serve` (gunicorn, PostgreSQL), and the same orders in process.

    python -m benchmarks.http_intake                       # 1 and 2 workers, 2000 orders each
    python -m benchmarks.http_intake --orders 3000 --workers 2 --port 18110

Each run gets a fresh PostgreSQL database (created on the server named by
--pg-url, dropped afterwards) with the network of the OMS throughput
benchmark (30 sources at real cities, deep stock of 40 SKUs), an integration
API key, and `oms serve --workers N` on a loopback port.  The driver keeps
``--concurrency`` connections busy (default: two per worker), each posting its
share of the seeded orders (1-4 lines, Zipf-like SKUs, 20% bundles, 10% click
and collect) as `POST /v1/orders` after an untimed warm-up; latency is per
request, from sending to the full response.  The same orders are then placed
through the service layer by as many processes as workers
(``benchmarks.oms_throughput``), so that HTTP's share is a ratio from one run.
The driver runs on the same machine as the server and the database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.oms_throughput import PG_ADMIN, SKUS, bench_network, drop_database, fresh_database, make_orders
from benchmarks.oms_throughput import run as run_in_process

WARMUP = 50
PORTS = range(18100, 18200)


def start_server(url: str, port: int, workers: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "OMS_DATABASE_URL": url, "OMS_BIND": f"127.0.0.1:{port}", "OMS_WORKERS": str(workers)}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with log.open("ab") as out:
        server = subprocess.Popen([sys.executable, "-m", "api", "serve"], env=env, stdout=out, stderr=out)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"oms serve exited with {server.returncode}; see {log}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"oms serve did not become ready on port {port}; see {log}")


def post_all(port: int, key: str, orders: list[dict], start: threading.Barrier, out: list) -> None:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    start.wait()
    began = time.perf_counter()
    latencies, errors = [], 0
    for doc in orders:
        body = json.dumps(doc)
        t0 = time.perf_counter()
        try:
            conn.request("POST", "/v1/orders", body, headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == 201
            if response.getheader("Connection", "").lower() == "close":
                conn.close()  # gunicorn's sync workers answer one request per connection
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
        latencies.append((time.perf_counter() - t0) * 1000)
        errors += not ok
    out.append((began, time.perf_counter(), latencies, errors))


def drive(port: int, key: str, orders: list[dict], concurrency: int) -> dict:
    shares = [orders[i::concurrency] for i in range(concurrency)]
    start, results = threading.Barrier(concurrency), []
    threads = [threading.Thread(target=post_all, args=(port, key, share, start, results)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    began, ended = min(r[0] for r in results), max(r[1] for r in results)
    latencies = sorted(x for r in results for x in r[2])
    return {
        "orders": len(latencies),
        "errors": sum(r[3] for r in results),
        "orders_per_s": len(latencies) / (ended - began),
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def run_http(workers: int, count: int, concurrency: int, port: int, pg_admin: str, seed: int) -> dict:
    from oms.adapters.migrate import upgrade
    from oms.service.app import Oms
    from oms.service.catalog import load_network
    from oms.service.keys import create_key

    url, name = fresh_database("postgresql", Path(tempfile.gettempdir()), pg_admin)
    log = Path(tempfile.gettempdir()) / f"oms-http-bench-{port}.log"
    server = None
    try:
        app = Oms.connect(url)
        upgrade(app.db)
        network = bench_network()
        load_network(app, network)
        _, key = create_key(app, "integration", name="http benchmark")
        app.db.dispose()
        stores = [s["code"] for s in network["sources"] if "pickup" in s["capabilities"]]
        # The same orders as the in-process run: one seeded share per process there, here spread over connections.
        orders = [o for p in range(workers) for o in make_orders(count // workers, seed + p, f"P{p}", SKUS, stores)]
        warmup = make_orders(WARMUP, seed + 100, "W", SKUS, stores)
        server = start_server(url, port, workers, log)
        drive(port, key, warmup, concurrency)
        return {"workers": workers, "concurrency": concurrency, **drive(port, key, orders, concurrency)}
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        drop_database(name, pg_admin)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=2000, help="orders per run")
    parser.add_argument("--workers", default="1,2", help="gunicorn workers (and in-process processes) per run")
    parser.add_argument("--concurrency", type=int, default=None, help="client connections [default: 2 per worker]")
    parser.add_argument("--port", type=int, default=18100, help=f"loopback port ({PORTS.start}-{PORTS.stop - 1})")
    parser.add_argument("--pg-url", default=PG_ADMIN, help="an admin connection to create throwaway databases")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.port not in PORTS:
        parser.error(f"--port must be in {PORTS.start}-{PORTS.stop - 1}")
    print(
        "| workers | connections | orders | errors | HTTP orders/s | p50 ms | p99 ms "
        "| in-process orders/s | HTTP share |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for workers in (int(w) for w in args.workers.split(",")):
        concurrency = args.concurrency or 2 * workers
        h = run_http(workers, args.orders, concurrency, args.port, args.pg_url, args.seed)
        p = run_in_process("postgresql", workers, args.orders, args.pg_url, args.seed)
        print(
            f"| {workers} | {concurrency} | {h['orders']} | {h['errors']} | {h['orders_per_s']:.0f} | "
            f"{h['p50_ms']:.1f} | {h['p99_ms']:.1f} | {p['orders_per_s']:.0f} | "
            f"{h['orders_per_s'] / p['orders_per_s']:.0%} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
