"""Every admin route, signed out and as each role: the sign-in page, the 403 page, or the page itself.

The table is the application's own url_map, so a page added anywhere under
/admin is covered, and an unguarded one fails
``test_every_admin_route_but_sign_in_and_static_files_is_guarded``.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from api.admin.access import NAV, allowed
from oms.service.keys import ROLES
from tests.admin.support import token

OPEN = {"/admin/login", "/admin/logout", "/admin/static/<path:filename>"}
METHODS = ("GET", "POST")


def admin_routes(app: Flask) -> list[tuple[str, str, Any]]:
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or rule.rule in OPEN:
            continue
        view = app.view_functions[rule.endpoint]
        found.extend((rule.rule, method, view) for method in sorted(set(rule.methods or ()) & set(METHODS)))
    return found


def url(rule: str) -> str:
    out = rule
    for part in rule.split("<")[1:]:
        spec = part.split(">")[0]
        out = out.replace(f"<{spec}>", "1" if spec.startswith("int") else "x")
    return out


def test_every_admin_route_but_sign_in_and_static_files_is_guarded(admin_app) -> None:
    app, _ = admin_app
    unguarded = [f"{m} {r}" for r, m, view in admin_routes(app) if not hasattr(view, "_admin_roles")]
    assert unguarded == []
    assert len(admin_routes(app)) >= 1


def test_signed_out_every_admin_route_leads_to_the_sign_in_page(admin_app) -> None:
    app, _ = admin_app
    client = app.test_client()
    for rule, method, _ in admin_routes(app):
        csrf = token(client.get("/admin/login").text)
        response = client.open(url(rule), method=method, data={"csrf_token": csrf} if method == "POST" else None)
        assert response.status_code == 302, (method, rule)
        assert response.headers["Location"].startswith("/admin/login"), (method, rule)


@pytest.mark.parametrize("role", ROLES)
def test_a_role_outside_a_page_gets_the_403_page_and_inside_it_passes_the_guard(admin_app, as_user, role) -> None:
    app, _ = admin_app
    client = as_user(role)
    for rule, method, view in admin_routes(app):
        csrf = token(client.get("/admin/").text)
        response = client.open(url(rule), method=method, data={"csrf_token": csrf} if method == "POST" else None)
        if allowed(role, view._admin_roles, method):
            signed_out = response.status_code == 302 and response.headers["Location"].startswith("/admin/login")
            assert response.status_code != 403 and not signed_out, (role, method, rule)
        else:
            assert response.status_code == 403, (role, method, rule)
            assert "Not allowed" in response.text and "Traceback" not in response.text


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_offers_exactly_the_pages_the_role_may_open(admin_app, as_user, role) -> None:
    app, _ = admin_app
    html = as_user(role).get("/admin/").text
    nav = html.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    for entry in NAV:
        shown = f">{entry.label.replace('&', '&amp;')}</a>" in nav
        expected = entry.endpoint in app.view_functions and allowed(role, entry.roles)
        assert shown == expected, (role, entry.label)
