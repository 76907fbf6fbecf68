"""Search over HTTP (`GET /v1/orders?...`, JSON or CSV) and on the command line (`oms orders search`)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from oms.service.catalog import load_network
from tests.api.conftest import (  # noqa: F401
    _drop_pg_template,
    any_database_url,
    api,
    app,
    app_and_oms,
    as_role,
    database_url,
    keys,
    oms,
)
from tests.oms.builders import network, order

ORDERS = "/v1/orders"
ZOE = {"first_name": "Zoë", "last_name": "Müller", "email": "zoe@example.com", "phone": "+49 30 1234"}


def _orders() -> list[dict]:
    docs = [order(f"W-{i}", ("A", 1), customer=ZOE if i % 2 else None) for i in range(1, 6)]
    for doc in docs:
        doc["delivery"]["address"].update(name="Zoë Müller", street="Hauptstr. 1", city="Berlin")
    return docs


def test_support_finds_orders_by_customer_a_page_at_a_time_and_exports_csv(as_role, oms) -> None:  # noqa: F811
    load_network(oms, network({("WH1", "A"): 10}))
    for doc in _orders():
        assert as_role("integration").post(ORDERS, json=doc).status_code == 201
    support = as_role("support")
    first = support.get(f"{ORDERS}?name=ZOE%20MULLER&limit=2")
    assert first.status_code == 200
    assert [i["order_id"] for i in first.json["items"]] == ["W-5", "W-3"]
    assert first.json["items"][0]["customer_name"] == "Zoë Müller"
    rest = support.get(f"{ORDERS}?name=ZOE%20MULLER&limit=2&cursor={first.json['next_cursor']}")
    assert [i["order_id"] for i in rest.json["items"]] == ["W-1"]
    exported = support.get(f"{ORDERS}?phone=4930-1234", headers={"Accept": "text/csv"})
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert [(r["Order ID"], r["Customer"], r["Postcode"]) for r in rows] == [
        ("W-5", "Zoë Müller", "10115"),
        ("W-3", "Zoë Müller", "10115"),
        ("W-1", "Zoë Müller", "10115"),
    ]
    shown = support.get(f"{ORDERS}/web/W-1").json
    assert shown["customer"]["email"] == "zoe@example.com"


def test_a_search_term_no_order_can_match_is_a_problem_naming_the_parameter(api) -> None:  # noqa: F811
    response = api.get(f"{ORDERS}?phone=abc")
    assert response.status_code == 422
    assert "phone" in json.dumps(response.json)


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OMS_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    runner = CliRunner()

    def invoke(*args: str, code: int = 0):  # type: ignore[no-untyped-def]
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == code, (result.stdout, result.stderr)
        return result

    invoke("db", "upgrade")
    return invoke


def test_the_search_command_prints_json_csv_and_refuses_bad_terms_on_one_line(run, tmp_path: Path) -> None:
    (tmp_path / "net.json").write_text(json.dumps(network({("WH1", "A"): 10})))
    (tmp_path / "orders.jsonl").write_text("\n".join(json.dumps(d) for d in _orders()))
    run("network", "load", str(tmp_path / "net.json"))
    run("orders", "place", str(tmp_path / "orders.jsonl"))
    found = json.loads(run("orders", "search", "--email", "ZOE@example.com", "--json").stdout)
    assert [i["order_id"] for i in found["items"]] == ["W-5", "W-3", "W-1"]
    exported = run("orders", "search", "--name", "müller", "--limit", "1", "--all", "--csv").stdout
    assert [line.split(",")[0] for line in exported.splitlines()] == ["Order ID", "W-5", "W-3", "W-1"]
    assert "W-5" in run("orders", "search", "--postcode", "101 15").stdout
    refused = run("orders", "search", "--name", "a\x00b", code=2)
    assert refused.stderr.count("\n") == 1 and "name" in refused.stderr
