"""The admin pages of the rules studio and of the network on the demo network, with the real rules language.

Imported by name by the test modules that use them (like ``tests.api.catalog_fixtures``).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.http import create_app
from oms.rules import DslRules
from oms.service.app import Oms
from oms.service.catalog import load_network
from oms.service.orders import place_order
from oms.service.users import create_user
from tests.admin.conftest import demo_network
from tests.admin.support import PASSWORD, create_users, signed_in
from tests.api.catalog_fixtures import sample_order
from tests.oms.databases import database

EU_ONLY = """ruleset "web" version 1

rule "German orders ship from EU sources only"
  when order.delivery.address.country == "DE"
  only source where "eu" in source.tags
"""
NO_VIENNA = """ruleset "web" version 2

rule "Vienna ships nothing this week"
  exclude source where source.code == "WH-VIE"
"""
TYPO = NO_VIENNA.replace("source.code", "source.cod")  # line 4, column 24


@dataclass
class Studio:
    app: Flask
    oms: Oms
    as_user: Callable[[str], FlaskClient]  # a new sign-in each time
    clients: dict[str, FlaskClient] = field(default_factory=dict)

    def signed_in(self, name: str) -> FlaskClient:
        """One client per user for the whole test (hypothesis runs many examples: a sign-in hashes a password)."""
        if name not in self.clients:
            self.clients[name] = self.as_user(name)
        return self.clients[name]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file with the demo network, a user per role (``web-merchant``: a merchant of channel web) and two
    placed orders, prepared once per module: hashing passwords and planning orders is what takes time."""
    with database("sqlite", tmp_path_factory.mktemp("studio")) as url:
        oms = Oms.connect(url, rules=DslRules())
        load_network(oms, demo_network())
        create_users(oms)
        create_user(oms, "web-merchant", PASSWORD, "merchant", ["web"])
        place_order(oms, sample_order(0))
        place_order(oms, sample_order(1))
        oms.db.dispose()
        return Path(url.removeprefix("sqlite:///"))


@pytest.fixture
def studio(prepared: Path, tmp_path: Path) -> Iterator[Studio]:
    """The application on a fresh copy of the prepared database, with the real rules language."""
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{prepared}{suffix}").exists():
            shutil.copy(f"{prepared}{suffix}", tmp_path / f"studio.sqlite{suffix}")
    url = f"sqlite:///{tmp_path / 'studio.sqlite'}"
    oms = Oms.connect(url, rules=DslRules())
    app = create_app({"OMS_DATABASE_URL": url}, oms=oms)
    yield Studio(app, oms, lambda name: signed_in(app, name))
    oms.db.dispose()
