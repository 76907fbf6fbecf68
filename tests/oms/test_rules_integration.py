"""Rulesets written in the rules language drive the OMS (runs where ``rules_dsl`` can compile text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from oms.adapters.migrate import upgrade
from oms.errors import InvalidInput
from oms.rules import DslRules
from oms.service.app import Oms
from oms.service.catalog import load_network, set_ruleset
from oms.service.orders import place_order, release_hold
from oms.service.views import order_view
from tests.oms.builders import network, order

REVIEW = """ruleset "review" version 1

rule "Big orders are reviewed"
  when order.total > 100
  hold order reason "manual review"

rule "Stores keep their stock for walk-in customers"
  exclude source where source.type == "store"
"""


@pytest.fixture
def app(tmp_path: Path):  # type: ignore[no-untyped-def]
    rules_dsl = pytest.importorskip("rules_dsl")
    if not hasattr(rules_dsl, "load"):
        pytest.skip("the rules language cannot compile text in this installation yet")
    oms = Oms.connect(f"sqlite:///{tmp_path / 'rules.sqlite'}", rules=DslRules())
    upgrade(oms.db)
    yield oms
    oms.db.dispose()


def test_a_stored_ruleset_holds_big_orders_and_keeps_store_stock(app: Oms) -> None:
    load_network(app, network({("WH1", "A"): 5, ("ST1", "A"): 5}))
    assert set_ruleset(app, "web", "review", REVIEW) == 1
    assert set_ruleset(app, "web", "review", REVIEW) == 1  # the same text is the same version
    small = place_order(app, order("O1", ("A", 2)))
    assert small.status == "LOGISTICS"
    assert {r["source"] for r in order_view(app, "O1")["shipment_requests"]} == {"WH1"}
    big = place_order(app, order("O2", ("A", 20)))
    assert (big.status, big.reason) == ("ONHOLD", "RULEHOLD")
    assert order_view(app, "O2")["hold"] == "manual review"
    assert release_hold(app, "O2").status == "LOGISTICS"


def test_a_ruleset_with_errors_is_refused_with_every_position(app: Oms) -> None:
    load_network(app, network({("WH1", "A"): 5}))
    bad = 'ruleset "bad" version 1\nrule "x"\n  exclude source where source.typ == "store"\n'
    with pytest.raises(InvalidInput, match=r"bad:3:\d+: unknown field 'source.typ'"):
        set_ruleset(app, "web", "bad", bad)
