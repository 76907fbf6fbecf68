"""Signing in to the admin pages: the session cookie, CSRF tokens, lockout and throttling, signing out."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from api.admin.security import CSP
from oms.adapters import tables as t
from oms.domain.users import LOCK_MINUTES, MAX_ADDRESS_FAILURES, MAX_FAILURES
from oms.service.users import SignInRefused, create_user, disable_user, set_password
from oms.service.users import sign_in as service_sign_in
from tests.admin.support import LOGIN, PASSWORD, post_form, sign_in, signed_in, token

DASHBOARD = "/admin/"


def cookie_of(response: Any) -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("oms_session=")]
    return cookie


def test_a_signed_out_visitor_is_sent_to_the_sign_in_page_and_back_after_signing_in(admin_app) -> None:
    app, _ = admin_app
    client = app.test_client()
    response = client.get("/admin/?x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login?next=/admin/?x%3D1"
    page = client.get("/admin/login?next=/admin/?x%3D1")
    assert 'name="next" value="/admin/?x=1"' in page.text
    signed = client.post(
        LOGIN, data={"username": "support", "password": PASSWORD, "csrf_token": token(page.text), "next": "/admin/?x=1"}
    )
    assert signed.headers["Location"] == "/admin/?x=1"
    assert client.get(DASHBOARD).status_code == 200


def test_after_signing_in_only_admin_pages_of_this_site_are_followed(admin_app) -> None:
    app, _ = admin_app
    for wanted in ("https://evil.example/", "//evil.example/admin", "/v1/orders", "/admin\\..\\x"):
        client = app.test_client()
        page = client.get(LOGIN)
        data = {"username": "support", "password": PASSWORD, "csrf_token": token(page.text), "next": wanted}
        assert client.post(LOGIN, data=data).headers["Location"] == DASHBOARD, wanted


def test_the_session_cookie_is_http_only_same_site_lax_and_secure_only_over_tls(admin_app) -> None:
    app, _ = admin_app
    plain = cookie_of(sign_in(app.test_client(), "support"))
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    tls = app.test_client()
    page = tls.get(LOGIN, base_url="https://localhost")
    response = tls.post(
        LOGIN,
        base_url="https://localhost",
        headers={"Referer": "https://localhost/admin/login"},
        data={"username": "support", "password": PASSWORD, "csrf_token": token(page.text)},
    )
    assert "Secure" in cookie_of(response)


def test_secure_cookies_can_be_forced_for_a_service_behind_a_tls_proxy(admin_app) -> None:
    from tests.api.conftest import make_app

    app, oms = make_app(str(admin_app[1].db.url.render_as_string(False)), OMS_ADMIN_SECURE_COOKIES="true")
    assert "Secure" in cookie_of(sign_in(app.test_client(), "support"))
    oms.db.dispose()


def test_a_wrong_password_is_refused_on_the_page_without_saying_which_part_was_wrong(admin_app) -> None:
    app, _ = admin_app
    for name, password in (("support", "wrong password!"), ("nobody", PASSWORD)):
        response = sign_in(app.test_client(), name, password)
        assert response.status_code == 401
        assert "wrong name or password" in response.text
        assert "oms_session=" not in "".join(response.headers.getlist("Set-Cookie")) or "user_id" not in response.text


def test_repeated_failures_lock_the_account_for_a_while_even_against_the_right_password(admin_app) -> None:
    app, oms = admin_app
    client = app.test_client()
    for _ in range(MAX_FAILURES):
        assert sign_in(client, "merchant", "not the password").status_code == 401
    locked = sign_in(client, "merchant")
    assert locked.status_code == 401 and "locked" in locked.text
    assert sign_in(client, "support").status_code == 302  # other accounts are untouched
    oms.clock.advance(minutes=LOCK_MINUTES + 1)
    assert sign_in(app.test_client(), "merchant").status_code == 302


def test_many_failures_from_one_address_block_it_whatever_names_it_tries(admin_app) -> None:
    app, oms = admin_app
    client = app.test_client()
    for i in range(MAX_ADDRESS_FAILURES):
        assert sign_in(client, f"guess{i}", "not the password").status_code == 401
    blocked = sign_in(client, "support")
    assert blocked.status_code == 401 and "this address" in blocked.text
    oms.clock.advance(minutes=LOCK_MINUTES + 1)
    assert sign_in(client, "support").status_code == 302


def test_over_long_names_and_passwords_are_refused_without_hashing(admin_app) -> None:
    app, _ = admin_app
    for name, password in (("x" * 10_000, PASSWORD), ("support", "p" * 100_000), ("support", "a\x00b" * 5)):
        response = sign_in(app.test_client(), name, password)
        assert response.status_code == 401 and "wrong name or password" in response.text


def test_a_form_posted_without_its_csrf_token_is_refused_with_the_400_page(admin_app) -> None:
    app, _ = admin_app
    client = app.test_client()
    response = client.post(LOGIN, data={"username": "support", "password": PASSWORD})
    assert response.status_code == 400
    assert "Form refused" in response.text and "security token" in response.text
    assert client.get(DASHBOARD).status_code == 302  # not signed in
    signed = signed_in(app, "support")
    forged = signed.post("/admin/logout", data={"csrf_token": "forged"})
    assert forged.status_code == 400
    assert signed.get(DASHBOARD).status_code == 200  # still signed in


def test_signing_out_ends_the_session(admin_app) -> None:
    app, _ = admin_app
    client = signed_in(app, "support")
    response = post_form(client, "/admin/logout", {}, page=DASHBOARD)
    assert response.headers["Location"] == LOGIN
    assert client.get(DASHBOARD).status_code == 302


def test_disabling_a_user_ends_their_open_session_and_their_sign_ins(admin_app) -> None:
    app, oms = admin_app
    create_user(oms, "carol", PASSWORD, "support")
    client = signed_in(app, "carol")
    disable_user(oms, "carol")
    assert client.get(DASHBOARD).status_code == 302
    refused = sign_in(app.test_client(), "carol")
    assert refused.status_code == 401 and "disabled" in refused.text


def test_admin_pages_are_not_framed_cached_or_allowed_inline_scripts(admin_app) -> None:
    app, _ = admin_app
    response = signed_in(app, "support").get(DASHBOARD)
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_new_password_ends_the_sessions_opened_with_the_old_one(admin_app) -> None:
    app, oms = admin_app
    client = signed_in(app, "support")
    set_password(oms, "support", "a brand new passphrase")
    assert client.get(DASHBOARD).status_code == 302
    assert sign_in(app.test_client(), "support", "a brand new passphrase").status_code == 302


def test_an_unknown_admin_address_is_the_admin_not_found_page(admin_app) -> None:
    app, _ = admin_app
    assert app.test_client().get("/admin/nowhere").headers["Location"].startswith("/admin/login")
    response = signed_in(app, "support").get("/admin/nowhere/at/all")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "No admin page at /admin/nowhere/at/all." in response.text
    assert signed_in(app, "support").get("/admin/static/admin/admin.css").status_code == 200


def test_addresses_whose_window_is_over_are_forgotten_when_a_new_address_fails(admin_app) -> None:
    _, oms = admin_app

    def fail_from(address: str) -> None:
        try:
            service_sign_in(oms, "support", "not the password", address)
        except SignInRefused:
            return
        raise AssertionError("a wrong password was accepted")

    def remembered() -> set[str]:
        with oms.uow(readonly=True) as uow:
            return set(uow.session.scalars(select(t.signin_throttle.c.address)))

    for n in range(3):
        fail_from(f"10.0.0.{n}")
    assert remembered() == {"10.0.0.0", "10.0.0.1", "10.0.0.2"}
    oms.clock.advance(minutes=LOCK_MINUTES + 1)
    fail_from("10.0.0.9")
    assert remembered() == {"10.0.0.9"}
    with oms.uow(readonly=True) as uow:
        assert uow.session.scalar(select(func.count()).select_from(t.signin_throttle)) == 1
