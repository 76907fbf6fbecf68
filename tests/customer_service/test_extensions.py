"""Extensions: built-in ones run and are recorded, installed ones are found, failures change nothing."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from oms.adapters import tables as t
from oms.errors import InvalidInput, NotFound
from oms.service import extensions as service
from oms.service.app import Oms
from oms.service.catalog import load_network
from oms.service.orders import place_order
from oms.service.views import order_view
from tests.oms.builders import network, order


def history_rows(app: Oms) -> int:
    with app.db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(t.stock_history)).scalar()


def test_the_built_in_extensions_are_listed_with_their_parameters() -> None:
    names = set(service.available())
    assert {"resource-waiting", "export-stock", "release-due-holds", "purge-stock-history"} <= names
    purge = service.describe(service.find("purge-stock-history"))
    assert purge["parameters"] == [{"name": "days", "type": "Integer", "required": False}]
    with pytest.raises(NotFound):
        service.find("nope")


def test_a_run_is_validated_recorded_and_its_log_kept(app: Oms, clock) -> None:
    load_network(app, network({("WH1", "A"): 5}))
    with pytest.raises(InvalidInput) as err:
        service.run_extension(app, "purge-stock-history", {"days": "sixty"})
    assert [e.path for e in err.value.errors] == ["params.days"]
    exported = service.run_extension(app, "export-stock", {}, actor="ann")
    assert exported["status"] == "succeeded" and exported["log"][0].startswith("source,sku,on_hand")
    assert "WH1,A,5,0,0,False" in exported["log"]
    before = history_rows(app)
    clock.advance(days=61)
    purged = service.run_extension(app, "purge-stock-history", {"days": 60})
    assert purged["result"] == {"deleted": before} and history_rows(app) == 0
    log = service.runs(app)
    assert [(r["name"], r["actor"], r["status"]) for r in log] == [
        ("purge-stock-history", "operator", "succeeded"),
        ("export-stock", "ann", "succeeded"),
    ]


def test_release_due_holds_releases_remorse_holds_in_one_unit_of_work(app: Oms, clock) -> None:
    load_network(app, network({("WH1", "A"): 5}, channels=[{"code": "web", "sources": "*", "remorse_minutes": 5}]))
    place_order(app, order("O1", ("A", 1)))
    assert service.run_extension(app, "release-due-holds", {})["result"] == {"released": 0}
    clock.advance(minutes=6)
    assert service.run_extension(app, "release-due-holds", {})["result"] == {"released": 1}
    assert order_view(app, "O1", "web")["status"] == "LOGISTICS"


EXTENSION = """
from marshmallow import Schema, fields
from sqlalchemy import delete
from oms.adapters import tables as t


class Params(Schema):
    fail = fields.Boolean(load_default=False)


class WipeHistory:
    name = "wipe-history"
    description = "Deletes the stock history, then fails when asked to."
    schema = Params

    def run(self, ctx):
        ctx.uow.session.execute(delete(t.stock_history))
        ctx.log("history wiped")
        if ctx.params["fail"]:
            raise RuntimeError("asked to fail")
        ctx.uow.commit()
        return {"ok": True}
"""


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A small package with an ``oms.extensions`` entry point, installed on ``sys.path`` (as pip lays one out)."""
    (tmp_path / "oms_test_extension").mkdir()
    (tmp_path / "oms_test_extension" / "__init__.py").write_text(EXTENSION)
    info = tmp_path / "oms_test_extension-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: oms-test-extension\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[oms.extensions]\nwipe-history = oms_test_extension:WipeHistory\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()


def test_an_installed_extension_is_found_and_a_failing_run_changes_nothing(installed, app: Oms) -> None:
    load_network(app, network({("WH1", "A"): 5}))
    assert "wipe-history" in service.available()
    before = history_rows(app)
    failed = service.run_extension(app, "wipe-history", {"fail": True})
    assert failed["status"] == "failed" and "asked to fail" in failed["error"] and failed["log"] == ["history wiped"]
    assert history_rows(app) == before > 0
    assert service.run_extension(app, "wipe-history", {})["status"] == "succeeded"
    assert history_rows(app) == 0
