"""The admin pages' scripts call the JSON API with the session: same origin, CSRF header for changes."""

from __future__ import annotations

from oms.service.catalog import load_network
from tests.admin.support import signed_in, token
from tests.oms.builders import network, order

RULES_CHECK = "/v1/rules/check"


def test_a_signed_in_session_reads_the_api_in_its_role_and_channels(admin_app) -> None:
    app, oms = admin_app
    load_network(oms, network({("WH1", "A"): 5}, channels=[{"code": "web"}, {"code": "other"}]))
    admin = signed_in(app, "admin")
    headers = {"X-CSRFToken": token(admin.get("/admin/").text)}
    assert admin.post("/v1/orders", json=order("O1", ("A", 1)), headers=headers).status_code == 201
    assert [o["order_id"] for o in admin.get("/v1/orders").json["items"]] == ["O1"]
    limited = signed_in(app, "web-only")
    assert limited.get("/v1/orders/web/O1").status_code == 200
    other = signed_in(app, "support")
    assert other.get("/v1/orders/web/O1").status_code == 200


def test_a_change_through_the_session_needs_the_csrf_header_and_is_recorded_under_the_users_name(admin_app) -> None:
    app, oms = admin_app
    load_network(oms, network({("WH1", "A"): 5}))
    client = signed_in(app, "support")
    csrf = token(client.get("/admin/").text)
    api_key_client = signed_in(app, "admin")
    placed = api_key_client.post("/v1/orders", json=order("O1", ("A", 1)), headers={"X-CSRFToken": csrf})
    assert placed.status_code == 401  # another session's token is no token
    admin_csrf = token(api_key_client.get("/admin/").text)
    assert (
        api_key_client.post("/v1/orders", json=order("O1", ("A", 1)), headers={"X-CSRFToken": admin_csrf}).status_code
        == 201
    )
    comment = {"text": "called the customer"}
    assert client.post("/v1/orders/web/O1/comments", json=comment).status_code == 401
    added = client.post("/v1/orders/web/O1/comments", json=comment, headers={"X-CSRFToken": csrf})
    assert added.status_code == 201, added.json
    assert added.json["author"] == "admin:support"


def test_another_origin_cannot_use_the_session_even_with_a_token(admin_app) -> None:
    app, _ = admin_app
    client = signed_in(app, "merchant")
    csrf = token(client.get("/admin/").text)
    cross = client.post(
        RULES_CHECK, json={"text": "x"}, headers={"X-CSRFToken": csrf, "Origin": "https://evil.example"}
    )
    assert cross.status_code == 401
    same = client.post(RULES_CHECK, json={"text": "x"}, headers={"X-CSRFToken": csrf, "Origin": "http://localhost"})
    assert same.status_code not in (401, 403), same.json


def test_a_role_the_session_user_lacks_is_refused_by_the_api_as_for_a_key(admin_app) -> None:
    app, _ = admin_app
    client = signed_in(app, "integration")
    csrf = token(client.get("/admin/").text)
    response = client.post(RULES_CHECK, json={"text": "x"}, headers={"X-CSRFToken": csrf})
    assert response.status_code == 403
