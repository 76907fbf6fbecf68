"""``oms rules check|fmt|explain`` and ``oms source --rules``: exit codes and messages."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main

SAMPLES = resources.files("api.samples")
NETWORK = str(SAMPLES.joinpath("network.json"))
GOOD = """ruleset "eu" version 2

rule "Fragile goods never ship from stores"
  when "fragile" in line.product.tags
  exclude source where source.type == "store"

rule "Small orders in one parcel"
  when order.total < 10
  set max_shipments 1
"""
BAD = """ruleset "bad" version 1

rule "typo"
  when source.typ == "store"
  exclude source where source.type == 3
"""


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    paths = {"good": GOOD, "bad": BAD, "messy": GOOD.replace("\n  ", " ").replace('"eu"  ', '"eu" ')}
    out = {}
    for name, text in paths.items():
        path = tmp_path / f"{name}.rules"
        path.write_text(text, encoding="utf-8")
        out[name] = str(path)
    order = json.loads(SAMPLES.joinpath("orders.jsonl").read_text(encoding="utf-8").splitlines()[3])  # ORD-1004
    (tmp_path / "order.json").write_text(json.dumps(order), encoding="utf-8")
    out["order"] = str(tmp_path / "order.json")
    return out


def test_check_says_ok_in_one_line_and_exits_0(files):
    result = run("rules", "check", files["good"])
    assert result.exit_code == 0
    assert result.stdout == 'ok: 1 file, "eu" v2: 2 rules\n'


def test_check_prints_every_problem_of_every_file_and_exits_1(files):
    result = run("rules", "check", files["good"], files["bad"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{files['bad']}:4:8: unknown field 'source.typ'; did you mean 'source.type'?",
        f"{files['bad']}:5:24: cannot compare text source.type with number 3",
    ]
    assert result.stderr == "2 problems in 2 files\n"


def test_check_reads_stdin_and_refuses_an_unreadable_file_with_exit_2(files):
    assert run("rules", "check", "-", stdin=GOOD).exit_code == 0
    result = run("rules", "check", files["good"] + ".missing")
    assert result.exit_code == 2
    assert result.stderr == f"{files['good']}.missing: cannot read: No such file or directory\n"


def test_check_needs_a_file():
    assert run("rules", "check").exit_code == 2


def test_fmt_prints_the_canonical_layout(files):
    result = run("rules", "fmt", files["messy"])
    assert result.exit_code == 0
    assert result.stdout == GOOD


def test_fmt_check_exits_1_when_the_file_is_not_formatted(files):
    assert run("rules", "fmt", "--check", files["good"]).exit_code == 0
    result = run("rules", "fmt", "--check", files["messy"])
    assert result.exit_code == 1
    assert result.stderr == f"{files['messy']}: not formatted (run oms rules fmt --write {files['messy']})\n"


def test_fmt_write_rewrites_the_file(files):
    result = run("rules", "fmt", "--write", files["messy"])
    assert (result.exit_code, result.stdout) == (0, f"{files['messy']}: reformatted\n")
    assert Path(files["messy"]).read_text(encoding="utf-8") == GOOD
    assert run("rules", "fmt", "--write", files["messy"]).stdout == f"{files['messy']}: already formatted\n"
    assert run("rules", "fmt", "--write", "--check", files["messy"]).exit_code == 2


def test_fmt_refuses_a_file_that_does_not_parse(files, tmp_path):
    broken = tmp_path / "broken.rules"
    broken.write_text('ruleset "x" version 1\nrule "r"\n  when order.total = 5\n  backorder allow\n', encoding="utf-8")
    result = run("rules", "fmt", str(broken))
    assert result.exit_code == 1
    assert result.stderr == f"{broken}:3:20: unexpected '='; use == to compare\n"
    assert result.stdout == ""


def test_explain_tells_which_rules_matched_which_lines_and_what_each_did(files):
    result = run("rules", "explain", files["good"], "--network", NETWORK, "--order", files["order"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith('ruleset "eu" version 2: order ORD-1004 (3 lines), strategy optimal\n')
    assert f'"Fragile goods never ship from stores" ({files["good"]}:3) matched line(s) 2, 3' in out
    assert 'exclude 20 source(s) where source.type == "store"' in out
    assert "without it: cost 7.17 instead of 6.22, 2 shipments from ST-MUC, WH-LEJ" in out
    assert 'rules that did not match: "Small orders in one parcel"' in out
    assert "plan with the rules:\n  cost 6.22, 1 shipment\n  WH-LEJ ship_to_store to ST-MUC" in out
    without = "plan without the ruleset (no rules, no settings):\n"
    assert without + "  cost 7.17, 2 shipments\n  ST-MUC pickup to ST-MUC: line 3 x1" in out


def test_explain_shows_the_plan_without_the_settings_block_too(tmp_path):
    order = next(line for line in SAMPLES.joinpath("orders.jsonl").read_text().splitlines() if "ORD-1008" in line)
    (tmp_path / "order.json").write_text(order)
    (tmp_path / "one.rules").write_text('ruleset "one" version 1\n\nsettings\n  max_shipments 1\n')
    result = run(
        "rules", "explain", str(tmp_path / "one.rules"), "--network", NETWORK, "--order", str(tmp_path / "order.json")
    )
    assert result.exit_code == 0, result.output
    with_rules, without = result.stdout.split("plan without the ruleset (no rules, no settings):\n")
    assert "settings: max_shipments 1 (from settings)" in with_rules
    assert "cost 12.15, 2 shipments" in without  # the shipment limit of the settings block is not applied
    assert ", 1 shipment\n" in with_rules.split("plan with the rules:")[1]


def test_explain_refuses_invalid_rules_and_bad_orders_with_exit_2(files, tmp_path):
    result = run("rules", "explain", files["bad"], "--network", NETWORK, "--order", files["order"])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 2 and result.stdout == ""
    order = tmp_path / "pickup.json"
    order.write_text(json.dumps({"id": "X", "delivery": {"method": "pickup", "pickup_source": "NOPE"},
                                 "lines": [{"id": "1", "sku": "A", "quantity": 1}]}), encoding="utf-8")  # fmt: skip
    result = run("rules", "explain", files["good"], "--network", NETWORK, "--order", str(order))
    assert result.exit_code == 2
    assert result.stderr == f"{order}: delivery.pickup_source: unknown source 'NOPE'\n"


def test_source_applies_the_rules(files):
    result = run("source", "--network", NETWORK, "--order", files["order"], "--rules", files["good"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert [s["source"] for s in plan["shipments"]] == ["WH-LEJ"]
    assert any('rule "Fragile goods never ship from stores"' in line for line in plan["explanation"])
    plain = json.loads(run("source", "--network", NETWORK, "--order", files["order"]).stdout)
    assert {s["source"] for s in plain["shipments"]} == {"ST-MUC", "WH-LEJ"}


def test_source_refuses_invalid_rules_with_every_problem_and_exit_2(files):
    result = run("source", "--network", NETWORK, "--order", files["order"], "--rules", files["bad"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{files['bad']}:4:8: unknown field 'source.typ'; did you mean 'source.type'?",
        f"{files['bad']}:5:24: cannot compare text source.type with number 3",
    ]


def test_source_streams_orders_with_the_rules(files):
    orders = str(SAMPLES.joinpath("orders.jsonl"))
    result = run("source", "--network", NETWORK, "--orders", orders, "--rules", files["good"])
    assert result.exit_code == 0, result.output
    plans = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(plans) == 8
    fragile = {"VASE-GLASS", "LAMP-DESK", "MUG-SET"}
    for plan in plans:
        for shipment in plan["shipments"]:
            if shipment["source"].startswith("ST-") and shipment["kind"] != "preshipped":
                assert not {line["sku"] for line in shipment["lines"]} & fragile
