"""Fixtures for the HTTP API tests: the application on a fresh database, API keys per role, a client per key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.http import create_app
from oms.service.app import Oms
from oms.service.keys import ROLES, create_key, revoke_key
from tests.oms.conftest import Clock
from tests.oms.databases import database, drop_template
from tests.oms.fakes import FakeRules

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", autouse=True)
def _drop_pg_template() -> Iterator[None]:
    yield
    drop_template()


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """SQLite: the scenario tests; the PostgreSQL variants ask for ``any_database_url``."""
    with database("sqlite", tmp_path) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def any_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


def make_app(url: str, **config: Any) -> tuple[Flask, Oms]:
    oms = Oms.connect(url, rules=FakeRules(), clock=Clock())
    return create_app({"OMS_DATABASE_URL": url, **config}, oms=oms), oms


@pytest.fixture
def app_and_oms(database_url: str) -> Iterator[tuple[Flask, Oms]]:
    app, oms = make_app(database_url)
    yield app, oms
    oms.db.dispose()


@pytest.fixture
def app(app_and_oms: tuple[Flask, Oms]) -> Flask:
    return app_and_oms[0]


@pytest.fixture
def oms(app_and_oms: tuple[Flask, Oms]) -> Oms:
    return app_and_oms[1]


class Client:
    """The test client with one API key: ``api.post(URL, json=...)`` sends ``Authorization`` itself."""

    def __init__(self, client: FlaskClient, secret: str | None) -> None:
        self.client, self.secret = client, secret

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        auth = {"Authorization": f"Bearer {self.secret}"} if self.secret else {}
        return {**auth, **(headers or {})}

    def get(self, url: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.client.get(url, headers=self._headers(headers), **kw)

    def post(self, url: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.client.post(url, headers=self._headers(headers), **kw)

    def put(self, url: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.client.put(url, headers=self._headers(headers), **kw)

    def open(self, url: str, method: str, headers: dict[str, str] | None = None, **kw: Any) -> Any:
        return self.client.open(url, method=method, headers=self._headers(headers), **kw)


@pytest.fixture
def keys(oms: Oms) -> dict[str, str]:
    """A secret per role, plus ``other-channel`` (admin of channel "other" only) and ``revoked``."""
    found = {role: create_key(oms, role, name=f"test {role}")[1] for role in ROLES}
    found["other-channel"] = create_key(oms, "admin", ["other"], "other channel")[1]
    revoked, found["revoked"] = create_key(oms, "admin", name="revoked")
    revoke_key(oms, revoked.id)
    return found


@pytest.fixture
def api(app: Flask, keys: dict[str, str]) -> Client:
    """An admin client."""
    return Client(app.test_client(), keys["admin"])


@pytest.fixture
def as_role(app: Flask, keys: dict[str, str]) -> Any:
    return lambda role: Client(app.test_client(), keys.get(role, role))
