"""Extreme values through every door of the OMS, on SQLite and PostgreSQL: no traceback, the field named.

The Python handlers (which the HTTP API calls too) must answer a value
beyond its bound with ``InvalidInput`` naming its JSON path; the command line
with one line on stderr naming it and exit code 2.  Either way the database
is left exactly as it was.  Values of any kind, valid or not, must never
raise anything but the OMS's own refusals.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.cli import main
from oms import limits as lim
from oms.domain.cancellation import CANCEL_REASONS
from oms.errors import Conflict, InvalidInput
from oms.service import fulfillment as ff
from oms.service.app import Oms
from oms.service.catalog import load_network
from oms.service.inventory import update_stock
from oms.service.orders import place_order
from tests.oms.builders import network, order
from tests.oms.extremes import extreme, fingerprint, not_a_count, not_a_number, set_path, too_long

PROPERTY = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BASE_ORDER = order("BASE", ("A", 1))
BASE_ORDER["delivery"]["address"]["postcode"] = "10115"
ORDER_TEXTS = [
    ("id", lim.MAX_CODE),
    ("channel", lim.MAX_CODE),
    ("lines[0].id", lim.MAX_CODE),
    ("lines[0].sku", lim.MAX_CODE),
    ("lines[0].bundle", lim.MAX_CODE),
    ("lines[0].preshipped_source", lim.MAX_CODE),
    ("original_order_id", lim.MAX_CODE),
    ("delivery.address.country", lim.MAX_COUNTRY),
    ("delivery.address.postcode", lim.MAX_POSTCODE),
]
bad_order_field = st.one_of(
    st.sampled_from(ORDER_TEXTS).flatmap(lambda pl: too_long(pl[1]).map(lambda v: (pl[0], v))),
    not_a_count(lim.DEFAULT_LINE_QUANTITY).map(lambda v: ("lines[0].quantity", v)),
    st.sampled_from(["delivery.address.lat", "delivery.address.lon", "lines[0].unit_price"]).flatmap(
        lambda path: not_a_number().map(lambda v: (path, v))
    ),
    st.sampled_from([1e308, 1e10, -1e308]).map(lambda v: ("lines[0].unit_price", v)),
)
bad_stock_field = st.one_of(
    st.one_of(
        st.integers(lim.MAX_STOCK_QUANTITY + 1, 2**70),
        st.integers(-(2**70), -lim.MAX_STOCK_QUANTITY - 1),
        st.sampled_from([1.5, 1e23, "5", True, None]),
    ).map(lambda v: ("items[0].quantity", v)),
    too_long(lim.MAX_CODE).map(lambda v: ("items[0].sku", v)),
    too_long(lim.MAX_CODE).map(lambda v: ("source", v)),
    too_long(lim.MAX_REFERENCE).map(lambda v: ("reference", v)),
    st.sampled_from(["adjust", "", "BOGUS", 5]).map(lambda v: ("mode", v)),
)
bad_network_field = st.one_of(
    too_long(lim.MAX_CODE).map(lambda v: ("sources[0].code", v)),
    too_long(lim.MAX_NAME).map(lambda v: ("sources[0].name", v)),
    not_a_number().map(lambda v: ("sources[0].location.lat", v)),
    st.sampled_from([1e308, 1e10, -1e308, "4.5"]).map(lambda v: ("sources[0].costs.fixed", v)),
    st.integers(lim.MAX_PRIORITY + 1, 2**70).map(lambda v: ("sources[0].priority", v)),
    too_long(lim.MAX_CODE).map(lambda v: ("products[0].sku", v)),
    too_long(lim.MAX_CODE).map(lambda v: ("channels[0].code", v)),
    not_a_count(lim.MAX_LINE_QUANTITY).map(lambda v: ("channels[0].max_line_quantity", v)),
    st.sampled_from([-1, lim.MAX_STOCK_QUANTITY + 1, 2**63, 1e23, "5", True]).map(lambda v: ("stock[0].on_hand", v)),
)
ORDER_PATHS = [
    "id", "channel", "type", "original_order_id", "created_at", "attributes", "delivery.method",
    "delivery.address.lat", "delivery.address.lon", "delivery.address.country", "lines[0].id", "lines[0].sku",
    "lines[0].quantity", "lines[0].unit_price", "lines[0].bundle", "lines[0].allow_backorder", "lines[0].attributes",
]  # fmt: skip


@pytest.fixture
def oms(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Oms]:
    """An OMS with a small network and one order placed (so request 1 exists), also for the CLI."""
    monkeypatch.setenv("OMS_DATABASE_URL", database_url)
    app = Oms.connect(database_url)
    load_network(app, network({("WH1", "A"): 50, ("WH2", "B"): 5}))
    place_order(app, order("O1", ("A", 2)))
    yield app
    app.db.dispose()


def refused_by_name(app: Oms, command: Any, path: str) -> None:
    """``command()`` must raise InvalidInput naming ``path`` and leave the database as it was."""
    before = fingerprint(app)
    with pytest.raises(InvalidInput) as refused:
        command()
    paths = [e.path for e in refused.value.errors]
    assert path in paths, f"{path} not named in {refused.value}"
    assert fingerprint(app) == before


def cli_refuses(app: Oms, tmp_path: Path, args: list[str], named: str, doc: Any = None) -> None:
    """The command exits 2 with one line on stderr naming ``named``, nothing on stdout, nothing stored.

    (A usage error, such as an argument of the wrong type, is click's: the usage, then one ``Error:`` line.)
    """
    if doc is not None:
        path = tmp_path / "input.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        args = [*args, str(path)]
    before = fingerprint(app)
    result = CliRunner().invoke(main, args)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    message = result.stderr.split("Error: ")[-1]
    assert message.count("\n") == 1 and named in message, result.stderr
    assert result.stdout == ""
    assert fingerprint(app) == before


@PROPERTY
@given(bad=bad_order_field)
def test_an_order_field_beyond_its_bound_is_refused_by_name_and_nothing_is_stored(oms: Oms, bad: tuple) -> None:
    path, value = bad
    refused_by_name(oms, lambda: place_order(oms, set_path(BASE_ORDER, path, value)), path)


@PROPERTY
@given(bad=bad_order_field)
def test_orders_place_answers_a_field_beyond_its_bound_with_one_line_and_exit_2(
    oms: Oms, tmp_path: Path, bad: tuple
) -> None:
    path, value = bad
    cli_refuses(oms, tmp_path, ["orders", "place"], path, set_path(BASE_ORDER, path, value))


@PROPERTY
@given(path=st.sampled_from(ORDER_PATHS), value=extreme, number=st.integers(0, 10**6))
def test_any_value_anywhere_in_an_order_is_placed_or_refused_without_storing_anything(
    oms: Oms, path: str, value: Any, number: int
) -> None:
    doc = set_path({**BASE_ORDER, "id": f"X{number}"}, path, value)
    before = fingerprint(oms)
    try:
        place_order(oms, doc)
    except (InvalidInput, Conflict):
        assert fingerprint(oms) == before


@PROPERTY
@given(bad=bad_stock_field)
def test_a_stock_message_field_beyond_its_bound_is_refused_by_name(oms: Oms, tmp_path: Path, bad: tuple) -> None:
    path, value = bad
    message = set_path({"mode": "ADJUST", "source": "WH1", "items": [{"sku": "A", "quantity": 1}]}, path, value)
    refused_by_name(oms, lambda: update_stock(oms, message), path)
    cli_refuses(oms, tmp_path, ["stock", "update"], path, message)


@PROPERTY
@given(doc=st.one_of(extreme, st.lists(extreme, max_size=3)), items=st.lists(extreme, max_size=3))
def test_a_stock_message_of_any_shape_is_applied_or_refused_whole(oms: Oms, doc: Any, items: list) -> None:
    before = fingerprint(oms)
    for message in (doc, {"mode": "DELTA", "source": "WH1", "items": items}):
        try:
            update_stock(oms, message)
        except InvalidInput:
            assert fingerprint(oms) == before


@PROPERTY
@given(bad=bad_network_field)
def test_a_network_field_beyond_its_bound_is_refused_by_name(oms: Oms, tmp_path: Path, bad: tuple) -> None:
    path, value = bad
    doc = set_path(network({("WH1", "A"): 3}), path, value)
    refused_by_name(oms, lambda: load_network(oms, doc), path)
    cli_refuses(oms, tmp_path, ["network", "load"], path, doc)


@settings(PROPERTY, max_examples=12)  # five commands per example
@given(
    request_id=st.one_of(st.sampled_from([0, 2**31, 2**63 - 1, 2**63, 10**23]), st.integers(2**31, 2**80)),
    order_id=too_long(lim.MAX_CODE),
    reason=st.text(max_size=60).filter(lambda r: r.upper() not in CANCEL_REASONS),
    carrier=too_long(lim.MAX_CARRIER),
)
def test_command_arguments_beyond_their_bounds_exit_2_naming_them(
    oms: Oms, tmp_path: Path, request_id: int, order_id: str, reason: str, carrier: str
) -> None:
    cli_refuses(oms, tmp_path, ["requests", "ack", str(request_id)], "REQUEST_ID")
    cli_refuses(oms, tmp_path, ["orders", "show", order_id], "order_id")
    cli_refuses(oms, tmp_path, ["orders", "cancel", order_id], "order_id")
    cli_refuses(oms, tmp_path, ["orders", "cancel", "O1", "--reason", reason], "reason")
    cli_refuses(oms, tmp_path, ["requests", "ship", "1", "--carrier", carrier, "--tracking", "T1"], "carrier")


@PROPERTY
@given(
    request_id=st.one_of(st.integers(max_value=0), st.integers(min_value=lim.MAX_ROW_ID + 1)),
    note=too_long(lim.MAX_NOTE),
    actor=too_long(lim.MAX_ACTOR),
)
def test_the_fulfillment_handlers_refuse_ids_notes_and_actors_beyond_their_bounds(
    oms: Oms, request_id: int, note: str, actor: str
) -> None:
    refused_by_name(oms, lambda: ff.acknowledge(oms, request_id), "request_id")
    refused_by_name(oms, lambda: ff.decline(oms, 1, None, note), "note")
    refused_by_name(oms, lambda: ff.acknowledge(oms, 1, actor=actor), "actor")
