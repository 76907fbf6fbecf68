"""In a real browser: signing in, a role that may not open a page, a form without its CSRF token."""

from __future__ import annotations

import pytest

from tests.admin.conftest import docs_screenshot
from tests.admin.support import browser_sign_in

pytestmark = pytest.mark.browser


def test_a_user_signs_in_sees_the_navigation_of_their_role_and_signs_out(page) -> None:
    page.goto("/admin/")
    assert page.url.endswith("/admin/login?next=/admin/")
    docs_screenshot(page, "login")
    browser_sign_in(page, "merchant")
    assert page.url.endswith("/admin/")
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").is_visible()
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Orders").count() == 0
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.url.endswith("/admin/login")
    assert page.get_by_text("Signed out.").is_visible()


def test_a_wrong_password_is_explained_on_the_sign_in_page(page) -> None:
    browser_sign_in(page, "readonly", "not the right password")
    assert page.url.endswith("/admin/login")
    assert page.get_by_role("status").get_by_text("wrong name or password").is_visible()


def test_a_support_user_cannot_open_the_rules_studio(page, live_server) -> None:
    browser_sign_in(page, "support")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Dashboard").is_visible()
    assert nav.get_by_role("link", name="Rules").count() == 0
    response = page.goto("/admin/rules")
    assert response is not None
    assert response.status == (403 if "admin.rules" in live_server.app.view_functions else 404)


def test_a_form_posted_without_its_csrf_token_is_refused(page) -> None:
    page.goto("/admin/login")
    page.evaluate("document.querySelector('input[name=csrf_token]').remove()")
    page.get_by_label("User name").fill("admin")
    page.get_by_label("Password").fill("correct horse battery staple")
    with page.expect_response("**/admin/login") as answer:
        page.get_by_role("button", name="Sign in").click()
    assert answer.value.status == 400
    assert page.get_by_role("heading", name="Form refused").is_visible()
    assert page.goto("/admin/").url.endswith("/admin/login?next=/admin/")  # not signed in


def test_the_pages_scripts_call_the_api_with_the_session_and_its_csrf_token(page) -> None:
    browser_sign_in(page, "merchant")
    checked = page.evaluate("omsApi('POST', '/v1/rules/check', {text: 'ruleset \"x\" version 1\\n'})")
    assert checked["status"] == 200, checked
    bare = page.evaluate(
        "fetch('/v1/rules/check', {method: 'POST', headers: {'Content-Type': 'application/json'},"
        " body: JSON.stringify({text: 'x'})}).then(r => r.status)"
    )
    assert bare == 401  # the session alone does not change anything: the CSRF header is needed
    refused = page.evaluate("omsApi('POST', '/v1/orders', {})")
    assert refused["status"] == 403 and refused["body"]["type"] == "urn:oms:problem:forbidden"
