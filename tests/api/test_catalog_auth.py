"""The auth table for the catalog, rules and sourcing routes: what ``test_auth`` cannot tell from path names.

Channels are named ``code`` in their paths (as sources are), so the general
table does not know which routes belong to a channel: here every route under
``/v1/channels/<code>`` answers 404 to a key of another channel, and every
write of what all channels share answers 403 to a key limited to channels.
"""
# ruff: noqa: F811 (the world fixture is imported by name)

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.api.test_auth import routes, send, url, world  # noqa: F401 (world is a fixture)
from tests.oms.builders import order

CHANNEL_ROUTE = "/v1/channels/<"
SHARED_WRITES = {("PUT", "/v1/network"), ("PUT", "/v1/sources/<"), ("PUT", "/v1/products/<")}


def test_a_key_of_another_channel_gets_404_for_every_route_of_this_channel(app: Flask, as_role, world) -> None:
    client = as_role("other-channel")
    checked = 0
    for rule, method, _ in routes(app):
        if rule.startswith(CHANNEL_ROUTE):
            path = url(rule, world)
            response = send(client, method, path)
            assert response.status_code == 404, (method, path, response.json)
            assert response.json["type"] == "urn:oms:problem:not-found"
            checked += 1
    assert checked >= 7
    assert [c["code"] for c in client.get("/v1/channels").json["items"]] == ["other"]


def test_a_key_limited_to_channels_may_not_change_what_all_channels_share(app: Flask, as_role, world) -> None:
    client = as_role("other-channel")
    checked = 0
    for rule, method, _ in routes(app):
        if any(method == m and rule.startswith(prefix) for m, prefix in SHARED_WRITES):
            response = send(client, method, url(rule, world))
            assert response.status_code == 403, (method, rule, response.json)
            checked += 1
    assert checked == 3


def test_a_key_of_another_channel_cannot_simulate_or_explain_this_channels_orders(as_role, world) -> None:
    client = as_role("other-channel")
    doc: dict[str, Any] = order("O9", ("A", 1))
    assert client.post("/v1/sourcing/simulate", json={"order": doc}).status_code == 404
    assert client.post("/v1/rules/explain", json={"rules": "hold", "order": doc}).status_code == 404
    assert as_role("admin").post("/v1/sourcing/simulate", json={"order": doc}).status_code == 200
