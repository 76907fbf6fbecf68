"""The post-sales commands: a return received and refunded, an appeasement, errors as one line with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from oms.service.app import Oms
from tests.oms.post_sales_support import paid_order, returns_network, ship_all


@pytest.fixture
def oms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("OMS_DATABASE_URL", url)
    runner = CliRunner()

    def run(*args: str, code: int = 0):  # type: ignore[no-untyped-def]
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == code, (result.stdout, result.stderr)
        return result

    run("db", "upgrade")
    network = tmp_path / "network.json"
    network.write_text(json.dumps(returns_network({("WH1", "A"): 5}, auto_release_refunds=False)))
    run("network", "load", str(network))
    order = tmp_path / "order.json"
    line = {"id": "1", "sku": "A", "quantity": 2, "unit_price": "19.99"}
    order.write_text(json.dumps(paid_order("O1", [line], currency="EUR")))
    run("orders", "place", str(order))
    app = Oms.connect(url)
    ship_all(app, "O1")
    app.db.dispose()
    return run


def test_a_return_is_authorized_received_and_its_refund_released_from_the_command_line(oms) -> None:
    ret = json.loads(oms("returns", "authorize", "O1", "--line", "1:1", "--reason", "CHANGED_MIND", "--json").stdout)
    assert ret["status"] == "approved"
    assert "received" in oms("returns", "receive", str(ret["id"])).stdout
    [refund] = json.loads(oms("refunds", "list", "O1", "--json").stdout)
    assert (refund["amount"], refund["status"]) == ("19.99", "pending_release")
    assert "released" in oms("refunds", "release", str(refund["id"])).stdout
    shown = json.loads(oms("orders", "show", "O1", "--json").stdout)
    assert shown["money"]["refunded"] == "19.99" and shown["money"]["refundable"] == "19.99"


def test_an_appeasement_beyond_what_was_paid_is_refused_with_what_is_left(oms) -> None:
    result = oms("appeasements", "create", "O1", "--amount", "40", "--reason", "GOODWILL", code=1)
    assert "39.98 EUR still refundable" in result.stderr and result.stderr.count("\n") == 1
    bad = oms("appeasements", "create", "O1", "--amount", "1.001", "--reason", "GOODWILL", code=2)
    assert "amount: has too many decimals" in bad.stderr


def test_bad_return_input_is_one_line_with_exit_code_2(oms) -> None:
    result = oms("returns", "authorize", "O1", "--line", "1:3", "--reason", "OTHER", code=2)
    assert "at most 2 unit(s)" in result.stderr and result.stderr.count("\n") == 1
    assert "no return 99" in oms("returns", "show", "99", code=2).stderr


def test_adjust_price_outside_store_picking_is_refused_with_exit_code_1(oms) -> None:
    result = oms("orders", "adjust-price", "O1", "1", "15.00", code=1)
    assert "price_adjustable" in result.stderr or "not being picked" in result.stderr


def test_an_exchange_from_the_command_line_makes_the_linked_order_and_refuses_a_second_one(oms) -> None:
    made = json.loads(oms("exchanges", "create", "O1", "--line", "1:1=A", "--price", "1=25", "--json").stdout)
    assert (made["order_id"], made["lines"][0]["sku"], made["price_difference"]) == ("O1-E1", "A", "5.01")
    assert made["status"] == "LOGISTICS"  # sourced at once: the channel's exchange_mode is immediate
    shown = json.loads(oms("orders", "show", "O1", "--json").stdout)
    assert {"order_id": "O1-E1", "type": "exchange", "status": made["status"]} in shown["linked_orders"]
    again = oms("exchanges", "create", "O1", "--line", "1=A", code=2)
    assert "lines.1: line 1 was exchanged already" in again.stderr and again.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--line", "1:1=NOPE"), "lines.1.sku: unknown SKU 'NOPE'"),
        (("--line", "7=B"), "lines.7: order O1 has no line '7'"),
        (("--line", "1:3=B"), "lines.1.quantity: at most 2 unit(s)"),
        (("--line", "1:x=B"), "--line"),
        (("--line", "1"), "LINE=NEW_SKU"),
        (("--line", "1=B", "--price", "1=1.001"), "lines.1.new_unit_price: has too many decimals"),
        (("--line", "1=B", "--reason", "BORED"), "reason: must be one of the channel's reasons"),
    ],
)
def test_bad_exchange_input_is_one_line_with_exit_code_2_and_writes_nothing(oms, args, message) -> None:
    result = oms("exchanges", "create", "O1", *args, code=2)
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert json.loads(oms("returns", "list", "O1", "--json").stdout) == []
