"""Every route of the application, with no key, a revoked key, each role, and a key of another channel.

The table is the application's own url_map, so a route added anywhere is
covered: an unguarded route fails ``test_every_route_but_the_open_ones_is_guarded``.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from api.http.auth import allowed
from oms.service.catalog import load_network
from oms.service.keys import ROLES
from tests.api.conftest import Client
from tests.oms.builders import network, order

OPEN = {
    "/healthz",
    "/readyz",
    "/openapi.json",
    "/docs",
    "/docs/",
    "/metrics",
    "/static/<path:filename>",
    "/docs/assets/<path:filename>",
}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Path arguments naming a channel's object: a key of another channel must get 404 for them.
CHANNEL_SCOPED = {"channel", "request_id"}


def routes(app: Flask) -> list[tuple[str, str, Any]]:
    """(rule, method, view) of every guarded route."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule in OPEN or rule.rule.startswith(("/docs", "/admin")):  # the admin pages: tests/admin
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(set(rule.methods or ()) & set(METHODS)):
            target = getattr(getattr(view, "view_class", None), method.lower(), view)
            found.append((rule.rule, method, target))
    return found


def url(rule: str, values: dict[str, Any]) -> str:
    out = rule
    for part in rule.split("<")[1:]:
        spec = part.split(">")[0]
        name = spec.split(":")[-1]
        out = out.replace(f"<{spec}>", str(values.get(name, 1 if spec.startswith("int") else "x")))
    return out


@pytest.fixture
def world(api: Client, oms: Any) -> dict[str, Any]:
    """An order and its shipment request in channel web; the values to put in every route's path."""
    load_network(oms, network({("WH1", "A"): 5}, channels=[{"code": "web"}, {"code": "other"}]))
    assert api.post("/v1/orders", json=order("O1", ("A", 1))).status_code == 201
    [req] = api.get("/v1/orders/web/O1").json["shipment_requests"]
    return {"channel": "web", "order_id": "O1", "request_id": req["request_id"], "code": "web", "sku": "A"}


# Valid bodies where an empty one would be refused before the object is looked up.
BODIES = {"/ship": {"carrier": "DHL", "tracking": "1"}}


def send(client: Client, method: str, path: str) -> Any:
    body = next((doc for end, doc in BODIES.items() if path.endswith(end)), {})
    return client.open(path, method, json=body if method in ("POST", "PUT", "PATCH") else None)


def test_every_route_but_the_open_ones_is_guarded(app: Flask) -> None:
    unguarded = [f"{m} {r}" for r, m, view in routes(app) if not hasattr(view, "_oms_roles")]
    assert unguarded == []
    assert len(routes(app)) >= 15


def test_without_a_key_or_with_a_revoked_or_malformed_one_every_route_is_401(app, as_role, world) -> None:
    for secret in (None, "revoked", "oms_" + "A" * 43, "Basic Zm9vOmJhcg==", "x" * 5000):
        client = as_role(secret) if secret != "Basic Zm9vOmJhcg==" else as_role(None)
        headers = {"Authorization": secret} if secret == "Basic Zm9vOmJhcg==" else None
        for rule, method, _ in routes(app):
            path = url(rule, world)
            response = client.open(path, method, headers=headers, json={} if method != "GET" else None)
            assert response.status_code == 401, (secret, method, path, response.json)
            assert response.headers["Content-Type"] == "application/problem+json"
            assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
def test_a_role_outside_a_route_is_403_and_inside_it_passes_the_guard(app, as_role, world, role) -> None:
    client = as_role(role)
    for rule, method, view in routes(app):
        path = url(rule, world)
        response = send(client, method, path)
        if allowed(role, view._oms_roles, method):
            assert response.status_code not in (401, 403), (role, method, path, response.json)
        else:
            assert response.status_code == 403, (role, method, path, response.json)
            assert response.json["type"] == "urn:oms:problem:forbidden"


def test_a_key_of_another_channel_gets_404_for_this_channels_objects(app, as_role, world) -> None:
    client = as_role("other-channel")
    checked = 0
    for rule, method, _ in routes(app):
        if not CHANNEL_SCOPED & {part.split(">")[0].split(":")[-1] for part in rule.split("<")[1:]}:
            continue
        path = url(rule, world)
        response = send(client, method, path)
        assert response.status_code == 404, (method, path, response.json)
        checked += 1
    assert checked >= 10
    assert client.get("/v1/orders").json["items"] == []
    assert client.get("/v1/orders?channel=web").json["items"] == []
    assert client.get("/v1/shipment-requests").json["items"] == []
    assert client.get("/v1/sellable-stock?channel=web").status_code == 404
    placed = client.post("/v1/orders", json=order("O2", ("A", 1)))
    assert placed.status_code == 422 and placed.json["errors"][0]["path"] == "channel"
    # nothing happened to the other channel's order
    assert as_role("admin").get("/v1/orders/web/O1").json["status"] == "LOGISTICS"


def test_a_readonly_key_reads_everything_and_changes_nothing(app, as_role, world) -> None:
    client = as_role("readonly")
    for rule, method, _ in routes(app):
        response = send(client, method, url(rule, world))
        assert (response.status_code == 403) == (method != "GET"), (method, rule)
