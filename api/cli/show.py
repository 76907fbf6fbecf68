"""Readable summaries of plans for people at a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from sourcing_engine import Order, Plan

console = Console(highlight=False)


def describe_delivery(order: Order) -> str:
    delivery = order.delivery
    if delivery.method == "pickup":
        return f"pickup at {delivery.pickup_source}"
    address = delivery.address
    where = f"{address.postcode or ''} {address.country or ''}".strip() if address else ""
    return f"home delivery to {where or 'the customer'}"


def print_plan(order: Order, plan: Plan, rivals: dict[str, Plan] | None = None) -> None:
    units = sum(line.quantity for line in order.lines)
    console.rule(f"[bold]{order.id}[/]  {len(order.lines)} line(s), {units} unit(s), {describe_delivery(order)}")
    table = Table(show_edge=False, pad_edge=False, box=None)
    for column in ("source", "kind", "to", "lines", "cost"):
        table.add_column(column, justify="right" if column == "cost" else "left")
    for shipment in plan.shipments:
        lines = ", ".join(f"{ln.sku} x{ln.quantity}" for ln in shipment.lines)
        table.add_row(shipment.source, shipment.kind, shipment.destination, lines, f"{shipment.cost:.2f}")
    for back in plan.backorders:
        table.add_row("-", "[yellow]backorder[/]", "", f"{back.sku} x{back.quantity}", "")
    for miss in plan.unsourced:
        table.add_row("-", f"[red]unsourced[/] ({miss.reason})", "", f"{miss.sku} x{miss.quantity}", "")
    console.print(table)
    proof = "proven optimal" if plan.optimal else "not proven optimal"
    console.print(f"total cost [bold]{plan.total_cost:.2f}[/] ({plan.strategy}, {proof}, {plan.stats.total_ms:.1f} ms)")
    for name, rival in (rivals or {}).items():
        delta = rival.total_cost - plan.total_cost
        console.print(
            f"  Magento {name}: {rival.total_cost:.2f} for {rival.filled_units} unit(s) "
            f"in {len(rival.physical_shipments)} shipment(s)" + (f", {delta:+.2f}" if abs(delta) > 0.005 else "")
        )
    for note in plan.explanation:
        console.print(f"  [dim]{note}[/]")
