"""Helpers of the admin page tests: users per role, signing in with the test client, CSRF tokens from pages."""

from __future__ import annotations

import functools
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert

from oms.adapters import tables as t
from oms.service.app import Oms
from oms.service.keys import ROLES
from oms.service.users import HASHER

PASSWORD = "correct horse battery staple"
LOGIN = "/admin/login"
_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"|name="csrf_token" value="([^"]+)"')


@functools.cache
def password_hash() -> str:
    """``PASSWORD``'s argon2 hash, computed once: hashing costs tenths of a second on purpose."""
    return HASHER.hash(PASSWORD)


def create_users(oms: Oms, channels: dict[str, list[str]] | None = None) -> dict[str, str]:
    """A user per role, named after it (``support``, ``merchant``...), all with ``PASSWORD``; role -> name.

    The rows are written with one shared hash (``oms users create`` and ``create_user`` have their own tests).
    """
    now = oms.clock()
    rows = [{"name": role, "role": role, "channels": None} for role in ROLES]
    rows += [{"name": name, "role": "support", "channels": limited} for name, limited in (channels or {}).items()]
    with oms.db.engine.begin() as conn:
        for row in rows:
            conn.execute(insert(t.users).values(**row, password_hash=password_hash(), failed_signins=0, created_at=now))
    return {role: role for role in ROLES}


def token(html: str) -> str:
    """The CSRF token a page carries (its meta tag or a form's hidden field)."""
    found = _TOKEN.search(html)
    assert found is not None, "the page carries no CSRF token"
    return found.group(1) or found.group(2)


def sign_in(client: FlaskClient, name: str, password: str = PASSWORD) -> Any:
    page = client.get(LOGIN)
    return client.post(LOGIN, data={"username": name, "password": password, "csrf_token": token(page.text)})


def signed_in(app: Flask, name: str) -> FlaskClient:
    client = app.test_client()
    response = sign_in(client, name)
    assert response.status_code == 302, response.text
    return client


def post_form(client: FlaskClient, url: str, data: dict[str, Any], page: str | None = None) -> Any:
    """Post a form the way a browser does: with the token of the page it sits on."""
    html = client.get(page or url).text
    return client.post(url, data={**data, "csrf_token": token(html)})


def browser_sign_in(page: Any, name: str, password: str = PASSWORD) -> None:
    """Sign in through the form, as a person would (Playwright page on the live server)."""
    page.goto(LOGIN)
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
