"""The oms commands for operators: exit codes, one-line errors, --json output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main

SAMPLES = Path(__file__).resolve().parents[2] / "api" / "samples"


@pytest.fixture
def oms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OMS_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def run(*args: str, code: int = 0):  # type: ignore[no-untyped-def]
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == code, (result.stdout, result.stderr)
        return result

    return run


def test_commands_refuse_a_database_that_was_never_upgraded(oms) -> None:
    result = oms("orders", "show", "X", code=2)
    assert "oms db upgrade" in result.stderr and result.stdout == ""


def test_the_operator_flow_from_an_empty_database_to_a_shipped_order(oms, tmp_path: Path) -> None:
    assert "schema empty -> " in oms("db", "upgrade").stdout  # to whatever the head revision is
    loaded = json.loads(
        oms("network", "load", str(SAMPLES / "network.json"), str(SAMPLES / "channels.json"), "--json").stdout
    )
    assert (loaded["sources"], loaded["channels"]) == (30, 3)
    placed = [
        json.loads(line) for line in oms("orders", "place", str(SAMPLES / "orders.jsonl"), "--json").stdout.splitlines()
    ]
    assert len(placed) == 8 and all(p["created"] for p in placed)
    again = json.loads(oms("orders", "place", str(SAMPLES / "orders.jsonl"), "--json").stdout.splitlines()[0])
    assert again["created"] is False
    shown = json.loads(oms("orders", "show", "ORD-1001", "--json").stdout)
    request = shown["shipment_requests"][0]["request_id"]
    assert shown["timeline"][0]["to"] == "NEW"
    acked = json.loads(oms("requests", "ack", str(request), "--json").stdout)
    assert acked["request_status"] == "ACKNOWLEDGED"
    shipped = json.loads(oms("requests", "ship", str(request), "--carrier", "DHL", "--tracking", "1", "--json").stdout)
    assert shipped["order_status"] == "COMPLETE"
    refused = oms("requests", "ack", str(request), code=1)
    assert refused.stderr.count("\n") == 1 and "is SHIPPED" in refused.stderr
    stock = json.loads(oms("stock", "show", "--sku", "TSHIRT-M", "--json").stdout)
    assert set(stock["sellable"]["TSHIRT-M"]) == {"web", "store", "pos"}
    assert oms("requests", "list", "--json").stdout.startswith("[")
    assert "only ONHOLD orders" in oms("orders", "release", "ORD-1002", code=1).stderr
    resourced = json.loads(oms("orders", "resource", "--json").stdout)
    assert set(resourced) == {"orders_sourced", "backorder_exceptions_flagged"}


def test_bad_input_is_one_line_on_stderr_with_exit_code_2(oms, tmp_path: Path) -> None:
    oms("db", "upgrade")
    oms("network", "load", str(SAMPLES / "network.json"), str(SAMPLES / "channels.json"))
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"id": "X", "channel": "web", "delivery": {"method": "ship"},'
        ' "lines": [{"id": "1", "sku": "A", "quantity": -1}]}'
    )
    result = oms("orders", "place", str(bad), code=2)
    assert result.stderr.count("\n") == 1
    assert "delivery.address: required for home delivery" in result.stderr and "lines[0].quantity" in result.stderr
    big = tmp_path / "big.json"
    big.write_text(
        json.dumps(
            {"mode": "DELTA", "source": "WH-BER", "items": [{"sku": f"S{i}", "quantity": 1} for i in range(10_001)]}
        )
    )
    assert "at most 10000" in oms("stock", "update", str(big), code=2).stderr
    assert "no order 'NOPE'" in oms("orders", "show", "NOPE", code=2).stderr
    assert "positive integer" in oms("orders", "cancel", "ORD-1", "--line", "1:x", code=2).stderr


def test_the_demo_runs_the_whole_flow(oms) -> None:
    out = oms("demo").stdout
    assert "COMPLETE/FULLYSHIPPED" in out and "PICKDECLINED" in out and "waiting order(s) sourced again" in out
    assert "package" in out and "exchanged 1 x TSHIRT-M of web/ORD-1001: ORD-1001-E1" in out


def test_a_stock_message_sent_twice_is_applied_once_and_stock_stops_at_zero(oms, tmp_path: Path) -> None:
    oms("db", "upgrade")
    oms("network", "load", str(SAMPLES / "network.json"), str(SAMPLES / "channels.json"))
    message = tmp_path / "adjust.json"
    items = [{"sku": "MUG-SET", "quantity": -1_000_000}]
    message.write_text(json.dumps({"mode": "ADJUST", "source": "WH-BER", "reference": "R-1", "items": items}))
    first = json.loads(oms("stock", "update", str(message), "--json").stdout)
    assert first["replayed"] is False and "clamped at 0" in first["warnings"][0]
    assert "already applied" in oms("stock", "update", str(message)).stdout
    rows = json.loads(oms("stock", "show", "--sku", "MUG-SET", "--json").stdout)["rows"]
    assert next(r for r in rows if r["source"] == "WH-BER")["on_hand"] == 0


def test_database_and_migration_problems_are_one_line_with_exit_code_2(oms, tmp_path: Path, monkeypatch) -> None:
    assert "unknown revision 'bogus'" in oms("db", "upgrade", "--revision", "bogus", code=2).stderr
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database at all")
    monkeypatch.setenv("OMS_DATABASE_URL", f"sqlite:///{junk}")
    for args in (["orders", "show", "X"], ["db", "upgrade"], ["db", "current"]):
        result = oms(*args, code=2)
        assert result.stderr.count("\n") == 1 and "not a database" in result.stderr


def test_json_nested_a_hundred_thousand_deep_is_one_line_with_exit_code_2(oms, tmp_path: Path) -> None:
    oms("db", "upgrade")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    for command in (["orders", "place"], ["stock", "update"], ["network", "load"]):
        result = oms(*command, str(deep), code=2)
        assert result.stderr.count("\n") == 1 and "nested too deeply" in result.stderr


def test_oms_waves_run_sources_batch_channels_and_show_tells_the_gain(oms, tmp_path: Path) -> None:
    oms("db", "upgrade")
    network = json.loads((SAMPLES / "network.json").read_text())
    network["channels"] = [
        {"code": "web", "sources": "*", "sourcing_mode": "batch", "wave": {"interval_seconds": 60, "max_size": 100}}
    ]
    (tmp_path / "net.json").write_text(json.dumps(network))
    oms("network", "load", str(tmp_path / "net.json"))
    lines = [json.loads(line) for line in (SAMPLES / "orders.jsonl").read_text().splitlines() if line.strip()]
    web = [doc for doc in lines if doc.get("channel") == "web" and doc["delivery"]["method"] == "ship"]
    (tmp_path / "orders.jsonl").write_text("".join(json.dumps(doc) + "\n" for doc in web))
    oms("orders", "place", str(tmp_path / "orders.jsonl"))
    [run] = [json.loads(line) for line in oms("waves", "run", "--json").stdout.splitlines()]
    assert run["status"] == "done" and run["orders"] == len(web)
    assert run["summary"]["orders_worse_off"] == 0
    shown = json.loads(oms("waves", "show", str(run["wave_id"]), "--json").stdout)
    assert [o["order_id"] for o in shown["orders"]] == [doc["id"] for doc in web]
    assert "one by one" in oms("waves", "show", str(run["wave_id"])).stdout
    assert "no orders waiting" in oms("waves", "run", "--channel", "web").stdout
    assert "no wave 99" in oms("waves", "show", "99", code=2).stderr
    assert oms("waves", "show", "0", code=2).stdout == ""
    timeline = json.loads(oms("orders", "show", web[0]["id"], "--json").stdout)["timeline"]
    assert any(e["entity"] == "wave" for e in timeline)
