"""What the oms commands tell operators: accurate, whole lines in a pipe, tables with headers, no side effects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main

SAMPLES = Path(__file__).resolve().parents[2] / "api" / "samples"
RULES = """ruleset "eu-web" version 3

rule "Review every order"
  when order.total > 0
  hold order reason "manual review"
"""


@pytest.fixture
def oms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OMS_DATABASE_URL", f"sqlite:///{tmp_path / 'deep' / 'dir' / 'cli.sqlite'}")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def run(*args: str, code: int = 0):  # type: ignore[no-untyped-def]
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == code, (result.stdout, result.stderr)
        return result

    return run


@pytest.fixture
def loaded(oms):  # type: ignore[no-untyped-def]
    oms("db", "upgrade")
    oms("network", "load", str(SAMPLES / "network.json"), str(SAMPLES / "channels.json"))
    oms("orders", "place", str(SAMPLES / "orders.jsonl"))
    return oms


def write(tmp_path: Path, name: str, doc: object) -> str:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return str(path)


def test_read_only_commands_create_no_database_file_or_directory(oms, tmp_path: Path) -> None:
    assert oms("db", "current").stdout == "empty\n"
    assert "oms db upgrade" in oms("orders", "show", "X", code=2).stderr
    assert "oms db upgrade" in oms("requests", "list", code=2).stderr
    assert not (tmp_path / "deep").exists()
    oms("db", "upgrade")
    assert (tmp_path / "deep" / "dir" / "cli.sqlite").exists()


def test_placing_says_how_many_units_were_allocated_waiting_and_cancelled(loaded, tmp_path: Path) -> None:
    doc = {
        "id": "BIG",
        "channel": "web",
        "delivery": {"method": "ship", "address": {"lat": 52.5, "lon": 13.4, "country": "DE"}},
        "lines": [{"id": "1", "sku": "TSHIRT-M", "quantity": 503, "unit_price": 9.0}],
    }
    out = loaded("orders", "place", write(tmp_path, "big.json", doc)).stdout
    line = out.strip()
    assert line.startswith("web/BIG: placed, LOGISTICS/READYTOSHIP; 503 unit(s): ")
    placed = json.loads(loaded("orders", "show", "BIG", "--json").stdout)["lines"][0]["units"]
    assert f"{placed['ALLOCATEDSHIP']} allocated" in line
    assert f"{placed['CANCELLED']} cancelled (OUTOFSTOCK {placed['CANCELLED']})" in line


def test_cancelling_more_units_than_a_line_has_says_the_quantity_is_too_large(loaded) -> None:
    result = loaded("orders", "cancel", "ORD-1001", "--line", "2:5", code=2)
    assert result.stderr == "ORD-1001: lines.2: quantity must be between 1 and 1\n"


def test_a_decline_note_is_kept_and_shown_in_the_timeline(loaded) -> None:
    request = json.loads(loaded("orders", "show", "ORD-1001", "--json").stdout)["shipment_requests"][0]
    loaded("requests", "decline", str(request["request_id"]), "--line", "1:1", "--note", "box crushed")
    shown = loaded("orders", "show", "ORD-1001").stdout
    assert "PICKDECLINED/DECLINED by cli (box crushed)" in shown


def test_an_unknown_request_status_is_refused_listing_the_valid_ones(loaded) -> None:
    result = loaded("requests", "list", "--status", "BOGUS", code=2)
    assert result.stderr.count("\n") == 1 and "valid: NEW, ACKNOWLEDGED, PICKING" in result.stderr
    assert loaded("requests", "list", "--status", "shipped").stdout.startswith("request")


def test_requests_list_has_a_header_and_piped_output_never_wraps(loaded) -> None:
    lines = loaded("requests", "list").stdout.splitlines()
    assert lines[0].split() == ["request", "method", "source", "status", "order", "items", "packages"]
    assert len(lines) == 1 + 13
    assert all(len(line.split()) >= 7 for line in lines[1:])  # one request per line, nothing wrapped
    assert max(len(line) for line in lines) > 80
    shown = loaded("orders", "show", "ORD-1008").stdout.splitlines()
    assert any(len(line) > 80 for line in shown) and shown[0].startswith("== web/ORD-1008")


def test_a_package_ships_part_of_a_request_from_the_command_line(loaded) -> None:
    request = json.loads(loaded("orders", "show", "ORD-1008", "--json").stdout)["shipment_requests"][0]
    line = request["items"][0]["line_id"]
    done = json.loads(
        loaded(
            "requests", "ship", str(request["request_id"]), "--line", f"{line}:1",
            "--carrier", "DHL", "--tracking", "JJD1", "--json",
        ).stdout
    )  # fmt: skip
    assert done["request_status"] == "NEW" and done["package_id"] and done["open_units"] > 0
    bad = loaded(
        "requests", "ship", str(request["request_id"]), "--line", "99", "--carrier", "D", "--tracking", "T", code=2
    )
    assert "lines.99" in bad.stderr


def test_release_clears_the_hold_and_rules_are_stored_under_their_header_name(loaded, tmp_path: Path) -> None:
    assert loaded("network", "rules", "web", write(tmp_path, "my.rules", RULES)).stdout == (
        "web: ruleset eu-web version 1 active\n"
    )
    doc = json.loads((SAMPLES / "orders.jsonl").read_text().splitlines()[0])
    loaded("orders", "place", write(tmp_path, "held.json", {**doc, "id": "HELD"}))
    held = json.loads(loaded("orders", "show", "HELD", "--json").stdout)
    assert (held["status"], held["hold"]) == ("ONHOLD", "manual review")
    loaded("orders", "release", "HELD")
    released = json.loads(loaded("orders", "show", "HELD", "--json").stdout)
    assert released["status"] == "LOGISTICS" and released["hold"] is None
    assert "on hold" not in loaded("orders", "show", "HELD").stdout
    assert any(e["note"] == "manual review" for e in released["timeline"] if e["to"] == "ONHOLD")


def test_the_exception_queue_from_the_command_line(loaded) -> None:
    rows = json.loads(loaded("orders", "exceptions", "--all", "--json").stdout)
    assert [(r["order_id"], r["kind"]) for r in rows] == [("ORD-1007", "backorder")]
    table = loaded("orders", "exceptions", "--all").stdout.splitlines()
    assert table[0].split() == ["order", "kind", "age", "lines", "missing", "flagged"]
    assert loaded("orders", "exceptions").stdout == "no exceptions\n"
    assert "valid: backorder" in loaded("orders", "exceptions", "--kind", "late", code=2).stderr
