"""How long the rules take per order: ``python -m benchmarks.rules_eval``.

A 50-rule ruleset (every cookbook rule, plus generated rules of the shapes
merchants write: order and line conditions, patterns, dates, attributes;
static, per-order and per-line ``where``s) against a 50-source network and
seeded random orders.  Reports the compile time and the per-order evaluation
time of ``directives_for`` (facts, durable-rules matching, masks, directives),
with the durable-rules part on its own, and the same evaluation inside
``source()`` for a few hundred of the orders, where solving leaves the caches
cold.  Target: p50 <= 0.5 ms per order.  Self-contained: the network is
generated here, so the benchmark depends on the engine and the rules only.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

import rules_dsl
from rules_dsl.compiled import forget_compiled
from rules_dsl.cookbook import recipes
from sourcing_engine import (
    Costs,
    Delivery,
    Location,
    Network,
    NetworkIndex,
    Order,
    OrderLine,
    Product,
    Source,
    StockRow,
    source,
)
from sourcing_engine.rules_bridge import directives_for, order_facts

TAGS = ["fragile", "hazardous", "bulky", "apparel", "outdoor", "media"]
COUNTRIES = ["DE", "DE", "DE", "AT", "NL", "FR"]
CHANNELS = ["web", "web", "app", "pos", "marketplace"]


CITIES = [
    ("BER", 52.52, 13.40, "DE"), ("HAM", 53.55, 9.99, "DE"), ("MUC", 48.14, 11.58, "DE"), ("CGN", 50.94, 6.96, "DE"),
    ("FRA", 50.11, 8.68, "DE"), ("STR", 48.78, 9.18, "DE"), ("DUS", 51.23, 6.78, "DE"), ("LEJ", 51.34, 12.37, "DE"),
    ("DRS", 51.05, 13.74, "DE"), ("NUE", 49.45, 11.08, "DE"), ("HAJ", 52.37, 9.73, "DE"), ("BRE", 53.08, 8.80, "DE"),
    ("VIE", 48.21, 16.37, "AT"), ("GRZ", 47.07, 15.44, "AT"), ("AMS", 52.37, 4.90, "NL"), ("ROT", 51.92, 4.48, "NL"),
    ("PAR", 48.86, 2.35, "FR"), ("LYS", 45.76, 4.84, "FR"), ("PRG", 50.08, 14.43, "CZ"), ("WAW", 52.23, 21.01, "PL"),
    ("CPH", 55.68, 12.57, "DK"), ("BRU", 50.85, 4.35, "BE"), ("ZRH", 47.38, 8.54, "CH"), ("MIL", 45.46, 9.19, "IT"),
    ("POZ", 52.41, 16.93, "PL"),
]  # fmt: skip
TYPES = ["warehouse", "store", "store", "dropship"]
PRODUCT_TAGS = ["fragile", "hazardous", "bulky", "apparel", "outdoor", "media", "home"]


def network(rng: random.Random, size: int = 50) -> NetworkIndex:
    """Sources at real cities (two per city, jittered), 250 SKUs with tags, ~30% of SKU/source pairs stocked."""
    sources = []
    for i in range(size):
        name, lat, lon, country = CITIES[i % len(CITIES)]
        kind = TYPES[i % len(TYPES)]
        sources.append(
            Source(
                code=f"{kind[:2].upper()}-{name}-{i}",
                location=Location(lat + rng.uniform(-0.2, 0.2), lon + rng.uniform(-0.2, 0.2), country),
                type=kind,  # type: ignore[arg-type]
                priority=i,
                capabilities=frozenset({"ship", "pickup"} if kind == "store" else {"ship", "ship_to_store"}),
                costs=Costs(fixed=4.5 if kind != "store" else 6.0, per_km=0.002, per_unit=0.25),
                tags=frozenset({"eu"} if country != "CH" else set()) | ({"hazmat"} if i % 7 == 0 else set()),
                attributes={"at_capacity": rng.random() < 0.05, "backlog_days": rng.randint(0, 4)},
            )
        )
    products = [Product(f"SKU-{k}", tags=frozenset(rng.sample(PRODUCT_TAGS, rng.randint(0, 2)))) for k in range(250)]
    stock = [
        StockRow(s.code, p.sku, on_hand=rng.randint(0, 12)) for s in sources for p in products if rng.random() < 0.3
    ]
    return NetworkIndex(Network(sources, products, stock))


def generated_rules(rng: random.Random, count: int) -> list[str]:
    shapes = [
        lambda: (
            f'when order.total >= {rng.randint(20, 400)} and order.channel in ["web", "app"]',
            f'avoid source where source.type == "store" by {rng.uniform(0.5, 5):.2f} per shipment',
        ),
        lambda: (
            f'when order.delivery.address.country == "{rng.choice(COUNTRIES)}"',
            f'only source where source.location.country in ["DE", "AT", "{rng.choice(COUNTRIES)}"]',
        ),
        lambda: (
            'when order.delivery.method == "pickup" or order.attributes.express == true',
            f"prefer source where distance_km < {rng.randint(20, 200)} by {rng.uniform(0.5, 3):.2f} per shipment",
        ),
        lambda: (
            f'when "{rng.choice(TAGS)}" in line.product.tags and line.quantity >= {rng.randint(1, 4)}',
            'exclude source where source.type == "dropship"',
        ),
        lambda: (
            f'when line.sku matches "SKU-{rng.randint(1, 9)}.*"',
            f"avoid source where available < line.quantity by {rng.uniform(0.1, 2):.2f} per unit",
        ),
        lambda: (
            f"when line.unit_price > {rng.randint(50, 500)}",
            f"only source where source.priority < {rng.randint(10, 40)}",
        ),
        lambda: (
            "when order.created_at >= 2026-11-27 and order.created_at < 2026-12-01",
            f'avoid source where source.code in ["WH-BER", "WH-HAM", "WH-{rng.randint(0, 9)}"] by 0.20 per unit',
        ),
        lambda: (
            f'when not order.channel == "pos" and order.line_count > {rng.randint(2, 6)}',
            f"set split_penalty {rng.uniform(1, 9):.2f}",
        ),
        lambda: (
            'when order.delivery.address.postcode matches "8[0-9]+" and not "bulky" in line.product.tags',
            'prefer source where source.location.postcode matches "8.*" by 1.00 per unit',
        ),
        lambda: (
            'when order.attributes.vip == true and line.bundle != ""',
            "exclude source where source.attributes.backlog_days > 2",
        ),
    ]
    out = []
    for i in range(count):
        when, action = shapes[i % len(shapes)]()
        out.append(f'rule "generated {i}" priority {rng.randint(0, 5)}\n  {when}\n  {action}\n')
    return out


def ruleset_text(rng: random.Random, total: int = 50) -> str:
    rules = []
    for path in recipes().values():
        text = path.read_text(encoding="utf-8")
        rules.extend("rule " + block for block in text.split("\nrule ")[1:])
    rules += generated_rules(rng, total - len(rules))
    return 'ruleset "bench" version 1\n\nsettings\n  max_shipments 4\n\n' + "\n".join(rules)


def orders(rng: random.Random, index: NetworkIndex, count: int) -> list[Order]:
    skus = [*sorted({row.sku for row in index.network.stock}), "UNKNOWN-1"]
    pickup_stores = [s.code for s in index.sources if "pickup" in s.capabilities]
    out = []
    start = datetime(2026, 11, 20, tzinfo=UTC)
    for n in range(count):
        lines = []
        for i in range(rng.randint(1, 8)):
            bundle = "B1" if i < 2 and rng.random() < 0.2 else None
            attrs = {"preorder": True} if rng.random() < 0.05 else {}
            price = round(rng.uniform(5, 300), 2)
            lines.append(OrderLine(str(i + 1), rng.choice(skus), rng.randint(1, 3), price, bundle, attributes=attrs))
        if rng.random() < 0.1:
            delivery = Delivery("pickup", pickup_source=rng.choice(pickup_stores))
        else:
            postcode = f"{rng.randint(10000, 99999)}"
            loc = Location(rng.uniform(46, 55), rng.uniform(5, 17), rng.choice(COUNTRIES), postcode)
            delivery = Delivery("ship", address=loc)
        attributes = {"vip": rng.random() < 0.1, "gift": rng.random() < 0.05, "express": rng.random() < 0.2}
        created = start + timedelta(hours=rng.uniform(0, 24 * 15))
        out.append(Order(f"B-{n}", delivery, tuple(lines), rng.choice(CHANNELS), created, attributes))
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=3000)
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--solve", type=int, default=300, help="orders also sourced, to compare with solving")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    index = network(rng)
    text = ruleset_text(rng, args.rules)
    compile_ms = []
    for _ in range(15):
        forget_compiled()
        t0 = time.perf_counter()
        ruleset = rules_dsl.load(text, "bench.rules")
        compile_ms.append((time.perf_counter() - t0) * 1000)
    batch = orders(rng, index, args.orders)
    for order in batch[:100]:  # warm the per-network caches, as a running service has them
        directives_for(ruleset, order, index)
    total_ms, durable_ms, matched = [], [], []
    for order in batch:
        t0 = time.perf_counter()
        directives = directives_for(ruleset, order, index)
        total_ms.append((time.perf_counter() - t0) * 1000)
        facts = ruleset.when.facts(order_facts(order, index), True, True)
        t0 = time.perf_counter()
        ruleset.conditions.matches(facts)
        durable_ms.append((time.perf_counter() - t0) * 1000)
        matched.append(len(directives.explanation))
    lines_per_order = statistics.mean(len(o.lines) for o in batch)
    print(
        f"rules evaluation: {len(ruleset.rules)} rules ({sum(r.rule.when is not None for r in ruleset.rules)} "
        f"conditions in durable-rules), {index.size} sources, {len(batch)} orders "
        f"({lines_per_order:.1f} lines/order), seed {args.seed}"
    )
    print(f"  compile (parse, check, compile):  median {statistics.median(compile_ms):7.2f} ms")
    print(
        f"  evaluate per order (directives_for): p50 {percentile(total_ms, 0.5):.3f} ms  "
        f"p95 {percentile(total_ms, 0.95):.3f} ms  p99 {percentile(total_ms, 0.99):.3f} ms  "
        f"mean {statistics.mean(total_ms):.3f} ms"
    )
    print(
        f"    of which durable-rules matching:  p50 {percentile(durable_ms, 0.5):.3f} ms  "
        f"p95 {percentile(durable_ms, 0.95):.3f} ms"
    )
    print(f"  rules matched per order: mean {statistics.mean(matched):.1f}")
    verdict = "meets" if percentile(total_ms, 0.5) <= 0.5 else "MISSES"
    print(f"  target p50 <= 0.5 ms: {verdict}")
    if args.solve:
        sourced = [source(order, index, rules=ruleset) for order in batch[: args.solve]]
        plans = [p for p in sourced if p.hold is None]  # held orders are not solved
        rules_part = [p.stats.rules_ms for p in plans]
        whole = [p.stats.total_ms for p in plans]
        print(
            f"  sourcing {len(plans)} of these orders with the rules (optimal): p50 {percentile(whole, 0.5):.3f} ms "
            f"per order, of which rules p50 {percentile(rules_part, 0.5):.3f} ms "
            f"({100 * statistics.median(r / w for r, w in zip(rules_part, whole, strict=True)):.0f}% at the median)"
        )


if __name__ == "__main__":
    main()
