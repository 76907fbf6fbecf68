"""``oms demo``: the whole order flow on the sample network, in a throwaway SQLite database.

Loads the sample network and channels, places a dozen varied orders (home
delivery, a bundle, click and collect with ship-to-store, virtual and
pre-shipped lines, a backorder), then plays the sources' part: ships some,
declines one (it is sourced again elsewhere), lets a customer cancel,
restocks the backorder, exchanges a shipped shirt, and prints every order
with its timeline.
"""

from __future__ import annotations

import json
import tempfile
import time
from importlib import resources
from pathlib import Path

import click

from api.cli.oms_show import print_order
from api.cli.show import console
from oms.adapters.migrate import upgrade
from oms.service import fulfillment as ff
from oms.service.app import Oms
from oms.service.catalog import load_network
from oms.service.exchanges import ExchangeLine, ExchangeRequest, create_exchange
from oms.service.inventory import update_stock
from oms.service.orders import cancel_order, place_order
from oms.service.views import order_view

BERLIN = {"lat": 52.52, "lon": 13.405, "country": "DE", "postcode": "10178"}
MORE_ORDERS = [
    {
        "id": "ORD-1009",
        "channel": "pos",
        "delivery": {"method": "ship", "address": BERLIN},
        "lines": [{"id": "1", "sku": "HEADPHONES", "quantity": 60, "unit_price": 129.0}],
    },
    {
        "id": "ORD-1010",
        "channel": "store",
        "delivery": {"method": "pickup", "pickup_source": "ST-HAM"},
        "lines": [
            {"id": "1", "sku": "BOOK-PYTHON", "quantity": 1, "unit_price": 39.0},
            {"id": "2", "sku": "SNEAKER-42", "quantity": 1, "unit_price": 89.0},
        ],
    },
    {
        "id": "ORD-1011",
        "channel": "web",
        "delivery": {"method": "ship", "address": BERLIN},
        "lines": [
            {"id": "1", "sku": "JEANS-32", "quantity": 1, "unit_price": 59.0},
            {"id": "2", "sku": "MUG-SET", "quantity": 1, "unit_price": 25.0},
        ],
    },
]


def _sample(name: str) -> str:
    return resources.files("api.samples").joinpath(name).read_text(encoding="utf-8")


@click.command("demo")
@click.option(
    "--keep",
    type=click.Path(dir_okay=False),
    default=None,
    help="Keep the demo database in this SQLite file instead of a throwaway one.",
)
def demo(keep: str | None) -> None:
    """Run the whole order flow on the sample network and print each order's timeline."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="oms-demo-") as tmp:
        path = Path(keep) if keep else Path(tmp) / "demo.sqlite"
        if keep and path.exists():
            path.unlink()
        app = Oms.connect(f"sqlite:///{path}")
        try:
            upgrade(app.db)
            _run(app)
        finally:
            app.db.dispose()
    console.print(
        f"[dim]demo finished in {time.perf_counter() - started:.1f} s"
        + (f"; database kept in {keep}" if keep else "")
        + "[/]"
    )


def _run(app: Oms) -> None:
    network = json.loads(_sample("network.json"))
    network.update(json.loads(_sample("channels.json")))
    loaded = load_network(app, network)
    console.print(f"loaded {loaded.sources} sources, {loaded.products} products, {loaded.channels} channels")
    docs = [json.loads(line) for line in _sample("orders.jsonl").splitlines() if line.strip()] + MORE_ORDERS
    for doc in docs:
        placed = place_order(app, doc, actor="demo")
        console.print(f"placed {placed.channel}/{placed.order_id}: {placed.status}/{placed.reason}")
    _fulfil(app)
    exchange = ExchangeRequest({"1": ExchangeLine(1, "TSHIRT-M")}, "DAMAGED", "WH-MUC")  # a torn shirt, sent to Munich
    made = create_exchange(app, "ORD-1001", "web", exchange, actor="customer service")
    console.print(f"exchanged 1 x TSHIRT-M of web/ORD-1001: {made['order_id']} is {made['status']}")
    for channel, number in [(doc["channel"], doc["id"]) for doc in docs] + [("web", made["order_id"])]:
        print_order(order_view(app, number, channel))


def _requests(app: Oms, number: str, method: str | None = None) -> list[dict]:
    return [
        r
        for r in order_view(app, number)["shipment_requests"]
        if r["status"] not in ("SHIPPED", "CANCELLED", "COLLECTED") and (method is None or r["method"] == method)
    ]


def _fulfil(app: Oms) -> None:
    """The sources' part: what warehouses, stores and customers report back."""
    for number in ("ORD-1001", "ORD-1002", "ORD-1003"):
        for req in _requests(app, number):
            ff.acknowledge(app, req["request_id"], actor=req["source"])
            ff.pick(app, req["request_id"], actor=req["source"])
            ff.pack(app, req["request_id"], actor=req["source"])
            first = req["items"][0]
            if number == "ORD-1002" and first["quantity"] > 1:  # a first package with one unit, the rest after
                lines = {first["line_id"]: 1}
                ff.ship(app, req["request_id"], "DHL", f"JJD{req['request_id']:09d}A", actor=req["source"], lines=lines)
            ff.ship(app, req["request_id"], "DHL", f"JJD{req['request_id']:010d}", actor=req["source"])
    for sts in _requests(app, "ORD-1004", "STS"):
        ff.ship(app, sts["request_id"], "internal", f"STS-{sts['request_id']}", actor=sts["source"])
    for ispu in _requests(app, "ORD-1004", "ISPU"):
        ff.receive(app, ispu["request_id"], actor=ispu["source"])
        ff.pick(app, ispu["request_id"], actor=ispu["source"])
        ff.collect(app, ispu["request_id"], actor=ispu["source"])
    declined = _requests(app, "ORD-1008")[0]
    ff.acknowledge(app, declined["request_id"], actor=declined["source"])
    ff.decline(
        app,
        declined["request_id"],
        {declined["items"][0]["line_id"]: None},
        note="shelf empty",
        actor=declined["source"],
    )
    cancel_order(app, "ORD-1011", actor="customer service")
    restock = update_stock(
        app,
        {"mode": "ADJUST", "source": "WH-FRA", "reference": "PO-4711", "items": [{"sku": "SOFA-3", "quantity": 2}]},
        actor="WH-FRA",
    )
    console.print(f"restocked SOFA-3 at WH-FRA: {restock.resourced} waiting order(s) sourced again")
