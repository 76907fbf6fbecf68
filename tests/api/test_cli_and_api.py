"""One view model, two doors: the command line and the API answer with the same JSON; `oms keys` manages keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from api.cli import main
from oms.adapters import tables as t
from oms.service.catalog import load_network
from oms.service.keys import authenticate, digest
from tests.api.conftest import Client, make_app
from tests.oms.builders import network, order


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("OMS_DATABASE_URL", database_url)
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> Any:
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == code, (result.stdout, result.stderr)
        return result

    return run


def test_orders_show_json_and_get_order_give_the_same_document(api: Client, oms: Any, cli: Any) -> None:
    load_network(oms, network({("WH1", "A"): 5, ("WH2", "B"): 1}))
    api.post("/v1/orders", json=order("O1", ("A", 2), ("B", 3)))
    [req] = [r for r in api.get("/v1/orders/web/O1").json["shipment_requests"] if r["source"] == "WH1"]
    api.post(f"/v1/shipment-requests/{req['request_id']}/ack")
    over_http = api.get("/v1/orders/web/O1").json
    assert json.loads(cli("orders", "show", "O1", "--channel", "web", "--json").stdout) == over_http
    assert len(over_http["timeline"]) >= 3


def test_a_step_and_a_stock_message_answer_as_the_cli_does(api: Client, oms: Any, cli: Any, tmp_path: Path) -> None:
    load_network(oms, network({("WH1", "A"): 5}))
    api.post("/v1/orders", json=order("O1", ("A", 1)), headers={})
    [req] = api.get("/v1/shipment-requests").json["items"]
    assert json.loads(cli("requests", "list", "--json").stdout) == [req]
    over_http = api.post(f"/v1/shipment-requests/{req['request_id']}/ack").json
    by_cli = json.loads(cli("requests", "pick", str(req["request_id"]), "--json").stdout)
    assert set(by_cli) == set(over_http) and by_cli["request_status"] == "PICKING"
    message = tmp_path / "stock.json"
    message.write_text(json.dumps({"mode": "DELTA", "source": "WH1", "items": [{"sku": "B", "quantity": 1}]}))
    by_cli = json.loads(cli("stock", "update", str(message), "--json").stdout)
    doc = {"mode": "DELTA", "source": "WH1", "items": [{"sku": "B", "quantity": 2}]}
    assert set(api.post("/v1/stock-messages", json=doc).json) == set(by_cli)


def test_oms_keys_creates_a_key_shown_once_stored_as_its_hash_and_revokes_it(cli: Any, database_url: str) -> None:
    created = json.loads(
        cli("keys", "create", "--role", "integration", "--channel", "web", "--name", "shop", "--json").stdout
    )
    secret = created["secret"]
    assert secret.startswith("oms_") and len(secret) == 47
    assert (created["role"], created["channels"], created["name"]) == ("integration", ["web"], "shop")
    app, oms = make_app(database_url)
    try:
        with oms.uow(readonly=True) as uow:
            stored = list(uow.session.execute(select(t.api_keys)))
        assert [r.secret_hash for r in stored] == [digest(secret)]
        assert secret not in json.dumps([dict(r._mapping) for r in stored], default=str)
        client = Client(app.test_client(), secret)
        assert client.get("/v1/orders").status_code == 200
        listed = json.loads(cli("keys", "list", "--json").stdout)
        assert [k["id"] for k in listed] == [created["id"]] and "secret" not in listed[0]
        cli("keys", "revoke", str(created["id"]))
        assert authenticate(oms, secret) is None
        assert json.loads(cli("keys", "list", "--json").stdout)[0]["revoked_at"] is not None
        cli("keys", "revoke", "999", code=2)
        cli("keys", "create", "--role", "root", code=2)
    finally:
        oms.db.dispose()


def test_a_revoked_key_stops_working_once_its_cache_entry_expires(database_url: str, cli: Any) -> None:
    app, oms = make_app(database_url, OMS_API_KEY_CACHE_SECONDS=0)
    try:
        created = json.loads(cli("keys", "create", "--role", "readonly", "--json").stdout)
        client = Client(app.test_client(), created["secret"])
        assert client.get("/v1/orders").status_code == 200
        cli("keys", "revoke", str(created["id"]))
        assert client.get("/v1/orders").status_code == 401
    finally:
        oms.db.dispose()
