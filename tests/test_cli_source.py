"""``oms source``: plans on stdout, bad input in one line on stderr with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from sourcing_engine import source
from sourcing_engine.schemas import load_network, load_order, load_plan, plan_to_dict

NETWORK = {
    "sources": [
        {
            "code": "WH-BER",
            "type": "warehouse",
            "priority": 1,
            "location": {"lat": 52.52, "lon": 13.40},
            "capabilities": ["ship", "ship_to_store"],
            "costs": {"fixed": 4.5, "per_km": 0.002, "per_unit": 0.25},
        },
        {
            "code": "ST-MUC",
            "type": "store",
            "priority": 2,
            "location": {"lat": 48.14, "lon": 11.58},
            "capabilities": ["ship", "pickup"],
            "costs": {"fixed": 6, "per_km": 0.003, "per_unit": 1.2},
        },
    ],
    "products": [{"sku": "SKU-1", "tags": ["fragile"]}],
    "stock": [{"source": "WH-BER", "sku": "SKU-1", "on_hand": 10, "reserved": 2, "safety_stock": 1}],
}
ORDER = {
    "id": "ORD-1001",
    "channel": "web",
    "created_at": "2026-11-26T10:00:00Z",
    "delivery": {"method": "ship", "address": {"lat": 48.14, "lon": 11.58, "country": "DE"}},
    "lines": [{"id": "1", "sku": "SKU-1", "quantity": 2, "unit_price": 19.99}],
}


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # so that messages name the files as the user typed them
    (tmp_path / "network.json").write_text(json.dumps(NETWORK))
    (tmp_path / "order.json").write_text(json.dumps(ORDER))
    return tmp_path


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def test_source_prints_the_plan_as_json(files: Path) -> None:
    result = run("source", "--network", str(files / "network.json"), "--order", str(files / "order.json"))
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["order_id"] == "ORD-1001" and plan["optimal"] is True
    assert plan["shipments"][0]["source"] == "WH-BER"
    assert plan["shipments"][0]["lines"] == [{"line_id": "1", "sku": "SKU-1", "quantity": 2}]
    assert plan["backorders"] == [] and plan["unsourced"] == []


def test_source_reads_the_order_from_stdin(files: Path) -> None:
    result = run(
        "source",
        "--network",
        str(files / "network.json"),
        "--order",
        "-",
        "--strategy",
        "priority",
        stdin=json.dumps(ORDER),
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["strategy"] == "priority"


def test_a_stream_of_orders_shares_the_stock_one_after_another(files: Path) -> None:
    orders = [dict(ORDER, id=f"ORD-{i}", lines=[dict(ORDER["lines"][0], quantity=3)]) for i in range(4)]
    (files / "orders.jsonl").write_text("\n".join(json.dumps(o) for o in orders) + "\n")
    result = run("source", "--network", str(files / "network.json"), "--orders", str(files / "orders.jsonl"))
    assert result.exit_code == 0
    plans = [json.loads(line) for line in result.stdout.splitlines()]
    filled = [sum(ln["quantity"] for s in p["shipments"] for ln in s["lines"]) for p in plans]
    assert filled == [3, 3, 1, 0]  # 7 available: 10 on hand, 2 reserved, 1 safety stock


def mutate(doc: dict, path: list, value) -> dict:
    doc = json.loads(json.dumps(doc))
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("which", "path", "value", "message"),
    [
        ("order", ["lines", 0, "quantity"], -1, "order.json: lines[0].quantity: must be a positive integer"),
        ("order", ["lines", 0, "quantity"], 1.5, "order.json: lines[0].quantity: must be a positive integer"),
        ("order", ["lines", 0, "sku"], KeyError, "order.json: lines[0].sku: missing required field"),
        ("order", ["delivery", "method"], "drone", "order.json: delivery.method: must be one of ship, pickup"),
        (
            "order",
            ["delivery"],
            {"method": "pickup", "pickup_source": "NOPE"},
            "order.json: delivery.pickup_source: unknown source 'NOPE'",
        ),
        (
            "order",
            ["delivery"],
            {"method": "pickup", "pickup_source": "WH-BER"},
            "order.json: delivery.pickup_source: source 'WH-BER' does not offer pickup",
        ),
        ("order", ["lines", 1], dict(ORDER["lines"][0]), "order.json: lines[1].id: duplicate id '1'"),
        ("network", ["stock", 0, "source"], "WH-XXX", "network.json: stock[0].source: unknown source 'WH-XXX'"),
        (
            "network",
            ["sources", 0, "location", "lat"],
            123,
            "network.json: sources[0].location.lat: must be a latitude between -90 and 90",
        ),
        ("network", ["sources", 0, "colour"], "red", "network.json: sources[0].colour: unknown field"),
    ],
)
def test_bad_input_is_one_line_naming_file_path_and_problem(files: Path, which, path, value, message) -> None:
    doc = {"order": ORDER, "network": NETWORK}[which]
    if which == "order" and path == ["lines", 1]:
        bad = json.loads(json.dumps(doc))
        bad["lines"].append(value)
    else:
        bad = mutate(doc, path, value)
    (files / f"{which}.json").write_text(json.dumps(bad))
    result = _run_in(files)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == message


def _run_in(folder: Path):
    return run("source", "--network", "network.json", "--order", "order.json")


def test_malformed_json_is_reported_with_its_position(files: Path) -> None:
    (files / "order.json").write_text('{"id": "X",\n "lines": [}')
    result = _run_in(files)
    assert result.exit_code == 2
    assert result.stderr.startswith("order.json: malformed JSON at line 2 column")


def test_a_bad_line_in_a_stream_stops_everything_before_any_plan_is_printed(files: Path) -> None:
    good, bad = json.dumps(ORDER), json.dumps(mutate(ORDER, ["lines", 0, "quantity"], 0))
    (files / "orders.jsonl").write_text(f"{good}\n{bad}\n")
    result = run("source", "--network", str(files / "network.json"), "--orders", str(files / "orders.jsonl"))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip().endswith("orders.jsonl:2: lines[0].quantity: must be a positive integer")


def test_giving_both_or_neither_order_option_is_a_usage_error(files: Path) -> None:
    result = run("source", "--network", str(files / "network.json"))
    assert result.exit_code == 2 and "exactly one of --order" in result.stderr


def test_the_installed_command_never_shows_a_traceback(files: Path) -> None:
    (files / "order.json").write_text("[1, 2]")
    proc = subprocess.run(
        [sys.executable, "-m", "api", "source", "--network", "network.json", "--order", "order.json"],
        cwd=files,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(Path(__file__).resolve().parent.parent), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == "order.json: must be a JSON object"
    assert "Traceback" not in proc.stderr


def test_a_plan_read_back_from_its_json_is_the_same_plan(files: Path) -> None:
    plan = source(load_order(ORDER), load_network(NETWORK))
    again = load_plan(json.loads(json.dumps(plan_to_dict(plan, with_stats=True))))
    assert again.shipments == [
        type(s)(s.source, s.kind, s.destination, s.lines, round(s.cost, 6), round(s.distance_km, 3))
        for s in plan.shipments
    ]
    assert (again.backorders, again.unsourced, again.total_cost) == (
        plan.backorders,
        plan.unsourced,
        pytest.approx(plan.total_cost),
    )
