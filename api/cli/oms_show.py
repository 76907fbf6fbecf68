"""Readable order views for people at a terminal: lines, shipment requests, timeline."""

from __future__ import annotations

from typing import Any

from api.cli.show import console, heading, table


def print_order(doc: dict[str, Any], with_timeline: bool = True) -> None:
    delivery = doc["delivery"]
    where = f"pickup at {delivery['pickup_source']}" if delivery["method"] == "pickup" else "home delivery"
    heading(f"[bold]{doc['channel']}/{doc['order_id']}[/]  {doc['status']}/{doc['reason']}  ({where})")
    if doc.get("hold"):
        console.print(f"  on hold: {doc['hold']}")
    lines = table("line", "sku", "qty", "status", "units")
    for line in doc["lines"]:
        units = ", ".join(f"{k} {v}" for k, v in line["units"].items())
        flag = " [red]backorder exception[/]" if line.get("backorder_exception") else ""
        lines.add_row(line["line_id"], line["sku"], str(line["quantity"]), line["status"], units + flag)
    console.print(lines)
    for r in doc["shipment_requests"]:
        items = ", ".join(f"{i['sku']} x{i['quantity']} ({i['status'].lower()})" for i in r["items"]) or "-"
        packages = r.get("packages") or []
        parcel = f" {r['carrier']} {r['tracking']}" if r.get("tracking") and len(packages) <= 1 else ""
        console.print(
            f"  request {r['request_id']}: {r['method']} from {r['source']} to {r['destination']}, "
            f"{r['status']}{parcel}: {items}"
        )
        if len(packages) > 1 or (packages and r["status"] != "SHIPPED"):
            for p in packages:
                units = ", ".join(f"{i['sku']} x{i['quantity']}" for i in p["lines"])
                console.print(f"    package {p['package_id']}: {p['carrier']} {p['tracking']}: {units}")
    if with_timeline:
        for event in doc.get("timeline", []):
            what = event["entity"] if event["entity"] == "order" else f"{event['entity']} {event['id']}"
            qty = f" x{event['quantity']}" if event.get("quantity") else ""
            frm = f"{event['from']} -> " if event["from"] else ""
            note = f" ({event['note']})" if event.get("note") else ""
            console.print(
                f"  [dim]{event['at'][11:19]}[/] {what}{qty}: {frm}{event['to']}"
                f"{'/' + event['reason'] if event['reason'] else ''} by {event['actor']}{note}"
            )
