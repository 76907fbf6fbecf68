"""Loading a network is all or nothing, and every problem of the file is named; intake checks a whole batch first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from oms.errors import InvalidInput
from oms.service.catalog import load_network
from oms.service.intake_checks import check_orders
from oms.service.orders import cancel_order, place_order
from tests.oms.builders import PRODUCTS, network, order
from tests.oms.extremes import fingerprint


def refused(app, doc) -> dict[str, str]:  # type: ignore[no-untyped-def]
    before = fingerprint(app)
    with pytest.raises(InvalidInput) as caught:
        load_network(app, doc)
    assert fingerprint(app) == before
    return {e.path: e.message for e in caught.value.errors}


def test_a_network_file_with_duplicates_unknown_keys_or_bad_values_loads_nothing(app):
    load_network(app, network({("WH1", "A"): 1}))
    assert "duplicate sku 'A'" in refused(app, {"products": [*PRODUCTS, {"sku": "A"}]})["products[5].sku"]
    twice = [{"code": "web"}, {"code": "web"}]
    assert refused(app, {"channels": twice}) == {"channels[1].code": "duplicate code 'web'"}
    assert "unknown field" in refused(app, {"sourcez": []})["sourcez"]
    assert (
        "must be an integer between 0"
        in refused(app, {"stock": [{"source": "WH1", "sku": "A", "on_hand": -3}]})["stock[0].on_hand"]
    )
    bad_lat = network()
    bad_lat["sources"] = [{**bad_lat["sources"][0], "location": {"lat": "50", "lon": 13.4}}, *bad_lat["sources"][1:]]
    assert refused(app, bad_lat)["sources[0].location.lat"] == "must be a number"
    assert refused(app, {"stock": [{"source": "NOPE", "sku": "A", "on_hand": 1}]}) == {
        "stock[0].source": "unknown source 'NOPE'"
    }


def test_a_channel_limits_the_units_of_one_line_and_a_maximal_integer_is_never_placed(app):
    load_network(app, network({("WH1", "A"): 50}, channels=[{"code": "web", "sources": "*", "max_line_quantity": 5}]))
    with pytest.raises(InvalidInput, match="limit per line") as caught:
        place_order(app, order("O1", ("A", 6)))
    assert [e.path for e in caught.value.errors] == ["lines[0].quantity"]
    with pytest.raises(InvalidInput) as caught:
        place_order(app, order("O2", ("A", 9223372036854775807)))
    assert [e.path for e in caught.value.errors] == ["lines[0].quantity"]
    assert place_order(app, order("O3", ("A", 5))).created


def test_cancel_reasons_come_from_the_list_of_codes(app):
    load_network(app, network({("WH1", "A"): 5}))
    place_order(app, order("O1", ("A", 1)))
    with pytest.raises(InvalidInput, match="reason: must be one of CUSTOMERREQ"):
        cancel_order(app, "O1", reason="BOGUS REASON")
    assert cancel_order(app, "O1", reason="EEREQ") == 1


def test_a_batch_is_checked_whole_before_any_order_is_placed(app, tmp_path: Path, monkeypatch, database_url: str):
    load_network(app, network({("WH1", "A"): 5}))
    first, second = order("O1", ("A", 1)), order("O1", ("A", 2))
    problems = check_orders(app, [first, second, first, order("O3", ("A", 1), channel="nope")])
    assert [(i, type(p).__name__) for i, p in problems] == [(1, "InvalidInput"), (3, "InvalidInput")]
    assert "comes first at position 1" in str(problems[0][1])
    batch = tmp_path / "orders.jsonl"
    batch.write_text(json.dumps(first) + "\n" + json.dumps(second) + "\n")
    monkeypatch.setenv("OMS_DATABASE_URL", database_url)
    before = fingerprint(app)
    result = CliRunner().invoke(main, ["orders", "place", str(batch)])
    assert result.exit_code == 2 and result.stderr.startswith(f"{batch}:2: id:") and "no order placed" in result.stderr
    assert fingerprint(app) == before
    place_order(app, order("O1", ("A", 3)))
    batch.write_text(json.dumps(order("O0", ("A", 1))) + "\n" + json.dumps(first) + "\n")
    result = CliRunner().invoke(main, ["orders", "place", str(batch)])
    assert result.exit_code == 1 and "exists with a different payload" in result.stderr  # a refusal: exit 1
    assert [i for i, _ in check_orders(app, [order("O1", ("A", 3))])] == []  # the same payload again is fine
