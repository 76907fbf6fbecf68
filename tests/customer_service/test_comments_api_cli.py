"""Comments and holds through the doors: HTTP (roles support and integration) and the command line."""

from __future__ import annotations

import json
from pathlib import Path

from oms.service.catalog import load_network
from tests.api.conftest import _drop_pg_template, api, app, app_and_oms, as_role, database_url, keys, oms  # noqa: F401
from tests.customer_service.test_search_api_cli import run  # noqa: F401
from tests.oms.builders import network, order

ORDER = "/v1/orders/web/O1"


def test_support_and_integrations_comment_and_support_holds_and_releases(as_role, oms) -> None:  # noqa: F811
    load_network(oms, network({("WH1", "A"): 5}))
    assert as_role("integration").post("/v1/orders", json=order("O1", ("A", 1))).status_code == 201
    support, integration = as_role("support"), as_role("integration")
    added = support.post(f"{ORDER}/comments", json={"text": "Called the customer", "visibility": "customer"})
    assert added.status_code == 201 and added.json["visibility"] == "customer"
    assert integration.post(f"{ORDER}/comments", json={"text": "Payment captured"}).status_code == 201
    assert as_role("readonly").post(f"{ORDER}/comments", json={"text": "x"}).status_code == 403
    listed = integration.get(f"{ORDER}/comments").json["items"]
    assert [(c["text"], c["visibility"]) for c in listed] == [
        ("Called the customer", "customer"),
        ("Payment captured", "internal"),
    ]
    too_long = support.post(f"{ORDER}/comments", json={"text": "x" * 4001})
    assert too_long.status_code == 422 and "text" in json.dumps(too_long.json)
    refused = support.post(f"{ORDER}/hold", json={"reason": "WHATEVER"})
    assert refused.status_code == 422 and "reason" in json.dumps(refused.json)
    held = support.post(f"{ORDER}/hold", json={"reason": "ADDRESS_VERIFICATION", "note": "street unknown"})
    assert held.status_code == 200 and held.json["reason"] == "ADDRESS_VERIFICATION"
    assert support.post(f"{ORDER}/hold", json={"reason": "ADDRESS_VERIFICATION"}).status_code == 409
    assert support.post(f"{ORDER}/release").json["status"] == "LOGISTICS"
    timeline = support.get(ORDER).json["timeline"]
    assert [e["entity"] for e in timeline].count("comment") == 2
    assert support.post("/v1/orders/release-due").json == {"released": []}


def test_the_comment_and_hold_commands(run, tmp_path: Path) -> None:  # noqa: F811
    (tmp_path / "net.json").write_text(json.dumps(network({("WH1", "A"): 10})))
    (tmp_path / "o.json").write_text(json.dumps(order("O1", ("A", 1))))
    run("network", "load", str(tmp_path / "net.json"))
    run("orders", "place", str(tmp_path / "o.json"))
    assert "comment 1 added" in run("orders", "comment", "O1", "Customer asked for a call back").stdout
    shown = json.loads(run("orders", "comments", "O1", "--json").stdout)
    assert shown["items"][0]["text"] == "Customer asked for a call back"
    assert run("orders", "comment", "O1", "", code=2).stderr.startswith("O1: text:")
    assert "unknown hold reason" in run("orders", "hold", "O1", "--reason", "nope", code=2).stderr
    assert "on hold (CUSTOMER_REQUEST)" in run("orders", "hold", "O1", "--reason", "customer_request").stdout
    assert run("orders", "hold", "O1", "--reason", "CUSTOMER_REQUEST", code=1).stderr.count("\n") == 1
    assert "released" in run("orders", "release", "O1").stdout
    assert json.loads(run("orders", "release-due", "--json").stdout) == {"released": []}
