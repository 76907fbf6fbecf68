"""Webhooks over HTTP (role admin) and the outbox on the command line: dead letters listed and retried."""

from __future__ import annotations

import json
from pathlib import Path

from tests.api.conftest import _drop_pg_template, api, app, app_and_oms, as_role, database_url, keys, oms  # noqa: F401
from tests.customer_service.receivers import HttpReceiver
from tests.customer_service.test_search_api_cli import run  # noqa: F401
from tests.oms.builders import network, order

WEBHOOKS = "/v1/webhooks"


def test_only_admins_subscribe_webhooks_and_secrets_are_never_shown(as_role) -> None:  # noqa: F811
    body = {"url": "https://example.com/hook", "events": ["order.created"], "secret": "x" * 16}
    assert as_role("support").post(WEBHOOKS, json=body).status_code == 403
    added = as_role("admin").post(WEBHOOKS, json=body)
    assert added.status_code == 201 and "secret" not in added.json
    assert as_role("admin").post(WEBHOOKS, json={**body, "url": "ftp://x"}).status_code == 422
    assert as_role("admin").post(WEBHOOKS, json={**body, "secret": "short"}).status_code == 422
    listed = as_role("admin").get(WEBHOOKS).json["items"]
    assert [(w["url"], w["events"]) for w in listed] == [("https://example.com/hook", ["order.created"])]
    assert "secret" not in json.dumps(listed)


def test_dead_letters_are_listed_and_retried_from_the_command_line(run, tmp_path: Path, monkeypatch) -> None:  # noqa: F811
    (tmp_path / "net.json").write_text(json.dumps(network({("WH1", "A"): 10})))
    (tmp_path / "o.json").write_text(json.dumps(order("O1", ("A", 1))))
    run("network", "load", str(tmp_path / "net.json"))
    run("orders", "place", str(tmp_path / "o.json"))
    with HttpReceiver() as receiver:
        receiver.status = 503
        run("webhooks", "add", receiver.url, "--event", "order.created", "--secret", "x" * 20)
        out = json.loads(run("relay", "--once", "--max-attempts", "2", "--backoff", "0", "--json").stdout)
        assert out["dead"] == 1
        [dead] = json.loads(run("outbox", "list", "--dead", "--json").stdout)["items"]
        assert "HTTP 503" in dead["last_error"]
        assert "not a dead letter" in run("outbox", "retry", "999", code=2).stderr
        receiver.status = 200
        run("outbox", "retry", str(dead["id"]))
        assert json.loads(run("relay", "--once", "--json").stdout)["dead"] == 0
        assert "no dead letters" in run("outbox", "list", "--dead").stdout
        assert [json.loads(b)["id"] for _, b in receiver.received] == [dead["id"]]
        attempts = json.loads(run("outbox", "log", str(dead["id"]), "--json").stdout)["items"]
        assert [a["ok"] for a in attempts] == [False, False, True]


def test_admins_list_and_run_extensions_over_http_and_the_command_line_runs_them(as_role, run) -> None:  # noqa: F811
    listed = as_role("admin").get("/v1/extensions").json["items"]
    assert "export-stock" in [e["name"] for e in listed]
    assert as_role("support").get("/v1/extensions").status_code == 403
    done = as_role("admin").post("/v1/extensions/purge-stock-history/runs", json={"days": 30})
    assert done.status_code == 201 and done.json["status"] == "succeeded"
    bad = as_role("admin").post("/v1/extensions/purge-stock-history/runs", json={"days": 0})
    assert bad.status_code == 422 and "params.days" in json.dumps(bad.json)
    assert as_role("admin").post("/v1/extensions/nope/runs", json={}).status_code == 404
    assert [r["run_id"] for r in as_role("admin").get("/v1/extensions/purge-stock-history/runs").json["items"]] == [1]
    assert "run 1: succeeded" in run("extensions", "run", "export-stock").stdout
    assert "params.days" in run("extensions", "run", "purge-stock-history", "--param", "days=x", code=2).stderr
    assert "export-stock" in run("extensions", "log").stdout
    assert "--param days=<Integer>" in run("extensions", "show", "purge-stock-history").stdout
