"""Fixtures of the admin page tests: the application with a user per role, and a real browser against it.

Server-side tests use Flask's test client (``admin_app``, ``as_user``).
Browser tests (``@pytest.mark.browser``) use ``live_server``: the application
on a free port in a background thread, on a fresh SQLite database holding the
demo network and a user per role; and ``page``: a Playwright page in Debian's
Chromium (``/usr/bin/chromium``, never a browser downloaded by Playwright)
that saves a screenshot under ``test-output/browser/`` after each test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.http import create_app
from oms.service.app import Oms
from oms.service.catalog import load_network
from oms.service.keys import create_key
from tests.admin.support import create_users, signed_in
from tests.api.conftest import make_app
from tests.oms.databases import database

CHROMIUM = os.environ.get("OMS_TEST_CHROMIUM", "/usr/bin/chromium")
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "browser"
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "img"


@pytest.fixture
def admin_app(tmp_path: Path) -> Iterator[tuple[Flask, Oms]]:
    """The application on a fresh SQLite database with a user per role (and ``web-only``, support of web)."""
    with database("sqlite", tmp_path) as url:
        app, oms = make_app(url)
        create_users(oms, {"web-only": ["web"]})
        yield app, oms
        oms.db.dispose()


@pytest.fixture
def as_user(admin_app: tuple[Flask, Oms]) -> Callable[[str], FlaskClient]:
    """A test client signed in as the named user (the users are named after their roles)."""
    return lambda name: signed_in(admin_app[0], name)


def demo_network() -> dict[str, Any]:
    doc = json.loads(resources.files("api.samples").joinpath("network.json").read_text(encoding="utf-8"))
    doc.update(json.loads(resources.files("api.samples").joinpath("channels.json").read_text(encoding="utf-8")))
    return doc


class LiveServer:
    """The application served over HTTP by werkzeug in a daemon thread."""

    def __init__(self, app: Flask, oms: Oms, api_key: str) -> None:
        from werkzeug.serving import make_server

        self.app, self.oms, self.api_key = app, oms, api_key
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real application (real rules compiler and clock) with the demo network, a user per role, an admin key."""
    with database("sqlite", tmp_path_factory.mktemp("live")) as url:
        app = create_app({"OMS_DATABASE_URL": url, "OMS_LOG_LEVEL": "WARNING"})
        oms: Oms = app.extensions["oms"]
        load_network(oms, demo_network())
        create_users(oms)
        _, secret = create_key(oms, "admin", name="browser tests")
        server = LiveServer(app, oms, secret)
        yield server
        server.stop()
        oms.db.dispose()


def chromium_or_skip() -> str:
    """Debian's Chromium; absent: a failure under CI (.ci/run installs it), else a skip that says why."""
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return CHROMIUM
    reason = f"no Chromium at {CHROMIUM}: install it with `apt-get install -y chromium` (CI does)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--disable-dev-shm-usage"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context at 1280x800 on the live server; a screenshot of the last state after the test."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    opened = context.new_page()
    yield opened
    OUTPUT.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])[:150]
    try:
        opened.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)
    finally:
        context.close()


def docs_screenshot(page: Any, name: str) -> None:
    """With ``OMS_DOCS_SCREENSHOTS=1``, save the page as docs/img/admin-NAME.png (the docs show these)."""
    if os.environ.get("OMS_DOCS_SCREENSHOTS") == "1":
        page.screenshot(path=str(DOCS_IMAGES / f"admin-{name}.png"), full_page=False)
