"""Try it: rules text on one order, the plan with the rules and without them side by side, and their map.

The answer is the explanation of ``oms rules explain`` and ``POST
/v1/rules/explain`` (``simulation.explain_rules``: the stored network of the
order's channel, nothing placed or reserved); this module only shapes it
for the page: a column per plan (shipments, cost, backorders, what could
not be sourced), the rules that matched with what each did, and an SVG map
with one line per shipment of either plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from api.admin.maps import Place, Route, render_map
from oms.service import simulation
from oms.service.app import Oms
from oms.service.rules_text import count
from sourcing_engine import STRATEGIES

STRATEGY_CHOICES = tuple(STRATEGIES)
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class ShipmentRow:
    source: str
    source_name: str
    kind: str
    destination: str
    lines: str  # "2 × TSHIRT-M (line 1), 1 × JEANS-32 (line 2)"
    units: int
    cost: str
    distance_km: str


@dataclass(frozen=True, slots=True)
class PlanColumn:
    heading: str
    shipments: list[ShipmentRow]
    total_cost: str
    units_shipped: int
    backorders: list[str]
    unsourced: list[str]
    hold: str | None
    explanation: list[str]


@dataclass(frozen=True, slots=True)
class RuleEffect:
    rule: str
    line: int
    scope: str
    effects: list[str]
    without_it: str


@dataclass(frozen=True, slots=True)
class Trial:
    order_id: str
    strategy: str
    ruleset: str
    with_rules: PlanColumn
    without_rules: PlanColumn
    cost_change: str  # "+3.20 with the rules", "no change"
    matched: list[RuleEffect]
    unmatched: list[str]
    settings: list[dict[str, str]]
    map: Markup


def try_rules(
    app: Oms, rules: str, order: dict[str, Any], sources: dict[str, dict], strategy: str = "optimal"
) -> Trial:
    """Explain ``rules`` on ``order`` against its channel's stored network (``InvalidInput`` names bad fields)."""
    explained = simulation.explain_rules(app, rules, order, None, strategy)
    return trial_view(explained, order, sources)


def trial_view(explained: dict[str, Any], order: dict[str, Any], sources: dict[str, dict]) -> Trial:
    """The page's view of an explanation (``Explanation.to_dict()``) of ``order``; ``sources`` by code."""
    plan, bare = explained["plan"], explained["plan_without_rules"]
    ruleset = explained["ruleset"]
    return Trial(
        order_id=explained["order_id"],
        strategy=explained["strategy"],
        ruleset=f'"{ruleset["name"]}" version {ruleset["version"]}',
        with_rules=plan_column("With these rules", plan, sources),
        without_rules=plan_column("Without rules", bare, sources),
        cost_change=cost_change(plan["total_cost"], bare["total_cost"]),
        matched=[
            RuleEffect(
                m["rule"],
                m["line"],
                "the whole order" if m["lines"] is None else "line(s) " + ", ".join(m["lines"]),
                list(m["effects"]),
                m["without_it"],
            )
            for m in explained["matched"]
        ],
        unmatched=list(explained["unmatched"]),
        settings=[{"setting": s["setting"], "value": s["value"], "from": s["from"]} for s in explained["settings"]],
        map=plan_map(order, sources, [("with", plan), ("without", bare)], f"Order {explained['order_id']}"),
    )


def plan_column(heading: str, plan: dict[str, Any], sources: dict[str, dict]) -> PlanColumn:
    rows = [
        ShipmentRow(
            source=s["source"],
            source_name=sources.get(s["source"], {}).get("name") or s["source"],
            kind=s["kind"].replace("_", " "),
            destination=s["destination"],
            lines=", ".join(f"{ln['quantity']} × {ln['sku']} (line {ln['line_id']})" for ln in s["lines"]),
            units=sum(ln["quantity"] for ln in s["lines"]),
            cost=money(s["cost"]),
            distance_km=f"{s.get('distance_km', 0):.0f}",
        )
        for s in plan["shipments"]
    ]
    return PlanColumn(
        heading=heading,
        shipments=rows,
        total_cost=money(plan["total_cost"]),
        units_shipped=sum(r.units for r in rows),
        backorders=[f"{b['quantity']} × {b['sku']} (line {b['line_id']})" for b in plan["backorders"]],
        unsourced=[
            f"{u['quantity']} × {u['sku']} (line {u['line_id']}): {u['reason'].replace('_', ' ')}"
            + (f" by {', '.join(u['rules'])}" if u.get("rules") else "")
            for u in plan["unsourced"]
        ],
        hold=plan.get("hold"),
        explanation=list(plan.get("explanation", [])),
    )


def plan_map(
    order: dict[str, Any], sources: dict[str, dict], plans: list[tuple[str, dict[str, Any]]], title: str
) -> Markup:
    """Sources used by any of the plans, the customer or the pickup store, one line per shipment."""
    delivery = order.get("delivery") or {}
    pickup = delivery.get("pickup_source") if delivery.get("method") == "pickup" else None
    places: dict[str, Place] = {}
    if pickup in sources:
        places[pickup] = _place(sources[pickup], "pickup")
    address = delivery.get("address") or {}
    if delivery.get("method") == "ship" and _located(address):
        where = ", ".join(str(address[k]) for k in ("postcode", "country") if address.get(k))
        places["customer"] = Place("customer", f"Customer {where}".strip(), address["lat"], address["lon"], "customer")
    routes = []
    for name, plan in plans:
        for s in plan["shipments"]:
            if s["source"] in sources and s["source"] not in places:
                places[s["source"]] = _place(sources[s["source"]], sources[s["source"]].get("type", "warehouse"))
            label = f"{count(sum(ln['quantity'] for ln in s['lines']), 'unit')}, cost {money(s['cost'])}"
            routes.append(Route(s["source"], s["destination"], name, label))
    return render_map(list(places.values()), routes, title=title, dom_id="trial-map")


def network_map(sources: list[dict[str, Any]], title: str = "Sources of the network") -> Markup:
    places = [_place(s, s.get("type", "warehouse")) for s in sources if _located(s.get("location") or {})]
    return render_map(places, title=title, dom_id="network-map")


def cost_change(with_rules: float, without: float) -> str:
    change = Decimal(str(with_rules)) - Decimal(str(without))
    if abs(change) < CENT / 2:
        return "no change in cost"
    sign = "+" if change > 0 else "−"
    return f"{sign}{abs(change).quantize(CENT)} with the rules"


def money(value: float | None) -> str:
    return "—" if value is None else str(Decimal(str(value)).quantize(CENT))


def _place(source: dict[str, Any], kind: str) -> Place:
    loc = source.get("location") or {}
    return Place(source["code"], source.get("name") or source["code"], loc.get("lat", 0.0), loc.get("lon", 0.0), kind)


def _located(location: dict[str, Any]) -> bool:
    return isinstance(location.get("lat"), int | float) and isinstance(location.get("lon"), int | float)
