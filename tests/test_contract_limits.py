"""Every number and string that enters the engine has a bound, and crossing it is one clear error.

Extreme values are put into each field of a valid network or order, through
Python (``load_network``, ``load_order``, ``source``) and through the command
line (``oms source``, ``oms rules explain``): either the value is within the
contract and the plan is valid with finite costs, or loading refuses it with
an ``InputError`` naming that field; never another exception.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from api.cli import main
from sourcing_engine import InputError, source
from sourcing_engine.limits import MAX_AMOUNT, MAX_ID_LENGTH, MAX_LINE_QUANTITY
from sourcing_engine.schemas import load_network, load_order
from sourcing_engine.validate import plan_violations

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
NETWORK = json.loads((EXAMPLES / "network.json").read_text())
ORDER = json.loads((EXAMPLES / "order.json").read_text())
EXTREMES: list[Any] = [
    0, -1, 1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, -(2**63), 10**30, 1e23, 1e-7, 0.5, 1e308, -1e308,
    math.nan, math.inf, -math.inf, MAX_AMOUNT, MAX_AMOUNT * 1.5, MAX_LINE_QUANTITY, MAX_LINE_QUANTITY + 1,
    "", "x", "50", "x" * MAX_ID_LENGTH, "x" * (MAX_ID_LENGTH + 1), "x" * 100_000, "a\x00b", "\ud800",
    "tab\there", "ünï", True, False, None, [], {}, ["a"], ["a"] * 101, {"k": 1},
]  # fmt: skip
ORDER_FIELDS = [
    "id", "channel", "lines.0.id", "lines.0.sku", "lines.0.quantity", "lines.0.unit_price", "lines.0.bundle",
    "lines.0.attributes.note", "lines.0.attributes.weight", "attributes.vip", "delivery.address.lat",
    "delivery.address.lon", "delivery.address.country", "delivery.address.postcode", "lines",
]  # fmt: skip
NETWORK_FIELDS = [
    "sources.0.code", "sources.0.name", "sources.0.priority", "sources.0.costs.fixed", "sources.0.costs.per_km",
    "sources.0.costs.per_unit", "sources.0.location.lat", "sources.0.location.lon", "sources.0.tags",
    "sources.0.tags.0", "sources.0.attributes.zone", "stock.0.on_hand", "stock.0.reserved", "stock.0.safety_stock",
    "stock.0.sku", "products.0.sku", "products.0.tags",
]  # fmt: skip
# a renamed source leaves the stock rows that named it pointing nowhere
KNOCK_ON = {"sources.0.code": "stock["}
RUNS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def values() -> st.SearchStrategy[Any]:
    return (
        st.sampled_from(EXTREMES)
        | st.integers()
        | st.floats()
        | st.text(max_size=80)
        | st.text(st.characters(codec="utf-8"), min_size=60, max_size=70)
    )


def with_value(doc: dict, path: str, value: Any) -> dict:
    out = copy.deepcopy(doc)
    *parents, last = path.split(".")
    node: Any = out
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
    node[int(last) if isinstance(node, list) else last] = value
    return out


def json_path(path: str) -> str:
    """``lines.0.quantity`` as the contract's messages write it: ``lines[0].quantity``."""
    out = ""
    for key in path.split("."):
        out += f"[{key}]" if key.isdigit() else (f".{key}" if out else key)
    return out


def assert_sound(network_doc: dict, order_doc: dict, path: str) -> None:
    """Either the documents load and source into a valid plan with finite costs, or loading names ``path``."""
    try:
        network = load_network(network_doc)
        order = load_order(order_doc)
    except InputError as err:
        named = err.path.startswith(json_path(path)) or json_path(path).startswith(err.path)
        assert named or err.path.startswith(KNOCK_ON.get(path, "-")), (err.path, path, err.message)
        return
    plan = source(order, network, time_limit=5)
    assert plan_violations(plan, order, network) == []
    assert math.isfinite(plan.total_cost) and all(math.isfinite(s.cost) for s in plan.shipments)


@RUNS
@given(st.sampled_from(ORDER_FIELDS), values())
@example("lines.0.quantity", 9223372036854775807)
@example("lines.0.unit_price", 1e308)
@example("id", "x" * 100_000)
def test_an_extreme_value_in_any_order_field_is_sourced_or_refused_by_name(path: str, value: Any) -> None:
    assert_sound(NETWORK, with_value(ORDER, path, value), path)


@RUNS
@given(st.sampled_from(NETWORK_FIELDS), values())
@example("sources.0.costs.per_unit", 1e308)
@example("stock.0.on_hand", 10**23)
def test_an_extreme_value_in_any_network_field_is_sourced_or_refused_by_name(path: str, value: Any) -> None:
    assert_sound(with_value(NETWORK, path, value), ORDER, path)


@pytest.mark.parametrize(
    ("document", "path", "value", "message"),
    [
        ("network", "sources.0.costs.per_unit", 1e308, "sources[0].costs.per_unit: must be a number from 0 to 1e+09"),
        ("network", "sources.0.costs.fixed", -0.5, "sources[0].costs.fixed: must be a number from 0 to 1e+09"),
        ("network", "sources.0.location.lat", "50", "sources[0].location.lat: must be a latitude between -90 and 90"),
        ("network", "stock.0.on_hand", 2**31, "stock[0].on_hand: must be at most 1,000,000,000"),
        ("network", "sources.0.code", "x" * 65, "sources[0].code: must be at most 64 characters"),
        ("order", "lines.0.quantity", 2**63 - 1, "lines[0].quantity: must be at most 1,000,000"),
        ("order", "lines.0.quantity", True, "lines[0].quantity: must be a positive integer"),
        ("order", "lines.0.unit_price", math.inf, "lines[0].unit_price: must be a number from 0 to 1e+09"),
        ("order", "lines.0.sku", "SKU\x00", "lines[0].sku: must not contain a NUL character"),
        ("order", "id", "ORD-\ud800", "id: must not contain a lone surrogate (invalid Unicode)"),
        ("order", "id", "ORD\n1", "id: must not contain the control character U+000A"),
        ("order", "lines.0.bundle", "b" * 65, "lines[0].bundle: must be at most 64 characters"),
        ("order", "delivery.address.lon", 181, "delivery.address.lon: must be a longitude between -180 and 180"),
        ("order", "attributes.weight", 1e23, "attributes.weight: must be a finite number between -1e+15 and 1e+15"),
        ("order", "attributes.nested", {"a": 1}, "attributes.nested: must be a text, a number, true/false, null"),
    ],
)
def test_each_bound_is_one_line_naming_the_field(tmp_path: Path, document: str, path: str, value: Any, message: str):
    network = with_value(NETWORK, path, value) if document == "network" else NETWORK
    order = with_value(ORDER, path, value) if document == "order" else ORDER
    (tmp_path / "network.json").write_text(json.dumps(network))
    (tmp_path / "order.json").write_text(json.dumps(order))
    for args in (
        ["source", "--network", str(tmp_path / "network.json"), "--order", str(tmp_path / "order.json")],
        ["rules", "explain", str(EXAMPLES.parent.parent / "rules_dsl" / "cookbook" / "closest_source.rules"),
         "--network", str(tmp_path / "network.json"), "--order", str(tmp_path / "order.json")],
    ):  # fmt: skip
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr
        assert lines[0].startswith(f"{tmp_path / (document + '.json')}: {message}"), lines[0]


@pytest.mark.parametrize("command", ["source", "explain"])
def test_json_nested_a_hundred_thousand_deep_is_one_line_and_exit_2(tmp_path: Path, command: str) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    args = ["--network", str(deep), "--order", str(EXAMPLES / "order.json")]
    rules = str(EXAMPLES.parent.parent / "rules_dsl" / "cookbook" / "closest_source.rules")
    result = CliRunner().invoke(main, ["source", *args] if command == "source" else ["rules", "explain", rules, *args])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{deep}: JSON nested too deeply"


@pytest.mark.parametrize("seconds", ["nan", "inf", "-inf", "0", "-5", "1e9"])
def test_a_time_limit_that_is_not_a_sensible_number_of_seconds_is_a_usage_error(seconds: str) -> None:
    args = ["--network", str(EXAMPLES / "network.json"), "--order", str(EXAMPLES / "order.json")]
    result = CliRunner().invoke(main, ["source", *args, "--time-limit", seconds])
    assert result.exit_code == 2
    assert "--time-limit" in result.stderr


@pytest.mark.parametrize("seconds", [math.nan, math.inf, 0, -1, 1e9])
def test_the_python_api_refuses_the_same_time_limits(seconds: float) -> None:
    with pytest.raises(InputError, match="time_limit"):
        source(load_order(ORDER), load_network(NETWORK), time_limit=seconds)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(ORDER_FIELDS + NETWORK_FIELDS), values())
def test_oms_source_answers_a_plan_or_one_line_with_exit_2_for_any_extreme_value(tmp_path_factory, path, value):
    folder = tmp_path_factory.mktemp("extreme")
    network = with_value(NETWORK, path, value) if path in NETWORK_FIELDS else NETWORK
    order = with_value(ORDER, path, value) if path in ORDER_FIELDS else ORDER
    (folder / "network.json").write_text(json.dumps(network))
    (folder / "order.json").write_text(json.dumps(order))
    args = ["source", "--network", str(folder / "network.json"), "--order", str(folder / "order.json")]
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code == 0:
        assert json.loads(result.stdout)["order_id"] == order["id"]
    else:
        assert result.exit_code == 2 and result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40))
def test_oms_rules_check_reports_any_setting_value_without_a_traceback(value: str) -> None:
    text = f'ruleset "t" version 1\nsettings\n  time_limit {value}\n  max_shipments {value}\n'
    result = CliRunner().invoke(main, ["rules", "check", "-"], input=text)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [["network", "load"], ["orders", "place"], ["stock", "update"]])
def test_the_oms_commands_refuse_json_nested_too_deeply_in_one_line(tmp_path, monkeypatch, command) -> None:
    monkeypatch.setenv("OMS_DATABASE_URL", f"sqlite:///{tmp_path / 'oms.sqlite'}")
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    result = CliRunner().invoke(main, [*command, str(deep)])
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("JSON nested too deeply")
    assert len(result.stderr.strip().splitlines()) == 1
