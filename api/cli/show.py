"""Readable summaries of plans for people at a terminal."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table

from sourcing_engine import Order, Plan

PIPE_WIDTH = 1_000_000  # wide enough that no line of ours is ever wrapped


def make_console() -> Console:
    """At a terminal, output fits its width; into a pipe or a file nothing wraps, so lines stay whole for grep."""
    if sys.stdout.isatty():
        return Console(highlight=False)
    return Console(highlight=False, soft_wrap=True, width=PIPE_WIDTH)


console = make_console()


def heading(title: str) -> None:
    """A rule across the terminal; a plain line in a pipe (a rule there would be as wide as the pipe width)."""
    if console.is_terminal:
        console.rule(title)
    else:
        console.print(f"== {title}")


def table(*columns: str, right: tuple[str, ...] = ()) -> Table:
    """A table with a header row and no borders: aligned at a terminal, one row per line in a pipe."""
    out = Table(show_edge=False, pad_edge=False, box=None, show_header=True, header_style="bold")
    for column in columns:
        out.add_column(column, justify="right" if column in right else "left", no_wrap=not console.is_terminal)
    return out


def describe_delivery(order: Order) -> str:
    delivery = order.delivery
    if delivery.method == "pickup":
        return f"pickup at {delivery.pickup_source}"
    address = delivery.address
    where = f"{address.postcode or ''} {address.country or ''}".strip() if address else ""
    return f"home delivery to {where or 'the customer'}"


def print_plan(order: Order, plan: Plan, rivals: dict[str, Plan] | None = None) -> None:
    units = sum(line.quantity for line in order.lines)
    heading(f"[bold]{order.id}[/]  {len(order.lines)} line(s), {units} unit(s), {describe_delivery(order)}")
    shipments = table("source", "kind", "to", "lines", "cost", right=("cost",))
    for shipment in plan.shipments:
        lines = ", ".join(f"{ln.sku} x{ln.quantity}" for ln in shipment.lines)
        shipments.add_row(shipment.source, shipment.kind, shipment.destination, lines, f"{shipment.cost:.2f}")
    for back in plan.backorders:
        shipments.add_row("-", "[yellow]backorder[/]", "", f"{back.sku} x{back.quantity}", "")
    for miss in plan.unsourced:
        shipments.add_row("-", f"[red]unsourced[/] ({miss.reason})", "", f"{miss.sku} x{miss.quantity}", "")
    console.print(shipments)
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
