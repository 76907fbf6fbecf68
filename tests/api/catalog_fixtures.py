"""The HTTP API with the real rules language, a loaded network, and a client per role (catalog tests).

Fixtures are imported by the test modules that use them (``from tests.api.catalog_fixtures import ...``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.http import create_app
from oms.rules import DslRules
from oms.service.app import Oms
from oms.service.keys import create_key
from tests.oms.databases import database

SAMPLES = Path(__file__).resolve().parents[2] / "api" / "samples"
EU_ONLY = """ruleset "eu-only" version 1

rule "German orders ship from EU sources only"
  when order.delivery.address.country == "DE"
  only source where "eu" in source.tags
"""
NO_VIENNA = """ruleset "no-vienna" version 1

rule "Vienna ships nothing this week"
  exclude source where source.code == "WH-VIE"
"""
MISSPELT = 'ruleset "bad" version 1\n\nrule "x"\n  exclude source where source.typ == "store"\n'


def sample_network() -> dict[str, Any]:
    doc = json.loads((SAMPLES / "network.json").read_text())
    doc.update(json.loads((SAMPLES / "channels.json").read_text()))
    return doc


def sample_order(n: int = 0) -> dict[str, Any]:
    return json.loads((SAMPLES / "orders.jsonl").read_text().splitlines()[n])


class Api:
    """A test client with one API key; ``api.put(URL, json=..., headers=...)`` adds the key."""

    def __init__(self, client: FlaskClient, secret: str | None) -> None:
        self.client, self.secret = client, secret

    def _h(self, headers: dict[str, str] | None) -> dict[str, str]:
        return {**({"Authorization": f"Bearer {self.secret}"} if self.secret else {}), **(headers or {})}

    def get(self, url: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.client.get(url, headers=self._h(headers), **kw)

    def post(self, url: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.client.post(url, headers=self._h(headers), **kw)

    def put(self, url: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.client.put(url, headers=self._h(headers), **kw)


@dataclass
class Service:
    app: Flask
    oms: Oms

    def as_role(self, role: str, channels: list[str] | None = None) -> Api:
        _, secret = create_key(self.oms, role, channels, f"{role} key")
        return Api(self.app.test_client(), secret)

    def anonymous(self) -> Api:
        return Api(self.app.test_client(), None)


@pytest.fixture(params=["sqlite"])
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    with database(request.param, tmp_path) as url:
        oms = Oms.connect(url, rules=DslRules())
        yield Service(create_app({"OMS_DATABASE_URL": url}, oms=oms), oms)
        oms.db.dispose()


@pytest.fixture
def merchant(service: Service) -> Api:
    return service.as_role("merchant")


@pytest.fixture
def loaded(service: Service, merchant: Api) -> Api:
    """A merchant's client on the sample network (30 sources, 3 channels), loaded over HTTP."""
    answer = merchant.put("/v1/network", json=sample_network())
    assert answer.status_code == 200, answer.json
    return merchant
