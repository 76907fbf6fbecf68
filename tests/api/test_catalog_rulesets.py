"""Rulesets over HTTP: post one that does not check, then one that does, activate it, and read the history;
check and explain rules text on its own."""
# ruff: noqa: F401, F811 (the catalog fixtures are imported by name)

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from api.cli import main
from tests.api.catalog_fixtures import (
    EU_ONLY,
    MISSPELT,
    NO_VIENNA,
    Api,
    Service,
    loaded,
    merchant,
    sample_network,
    sample_order,
    service,
)

RULESETS = "/v1/channels/web/rulesets"
CHECK = "/v1/rules/check"
EXPLAIN = "/v1/rules/explain"


def test_a_ruleset_that_does_not_check_is_refused_with_line_and_column_and_nothing_is_stored(loaded: Api) -> None:
    answer = loaded.post(RULESETS, json={"text": MISSPELT})
    assert answer.status_code == 422
    assert answer.headers["Content-Type"] == "application/problem+json"
    [error] = answer.json["errors"]
    assert error["path"] == "text"
    assert error["message"].startswith("web:4:24: unknown field 'source.typ'")
    assert loaded.get(RULESETS).json["versions"] == []


def test_a_posted_version_waits_until_activated_and_every_activation_is_kept(loaded: Api) -> None:
    first = loaded.post(RULESETS, json={"text": EU_ONLY})
    assert first.status_code == 201
    assert first.json["version"] == 1 and first.json["active"] is False
    assert loaded.get(first.headers["Location"]).json["text"] == EU_ONLY
    assert loaded.post(RULESETS, json={"text": EU_ONLY}).status_code == 200  # the same text: the same version
    second = loaded.post(RULESETS, json={"text": NO_VIENNA})
    assert (second.status_code, second.json["version"]) == (201, 2)
    assert loaded.get(RULESETS).json["active"] is None

    assert loaded.post(f"{RULESETS}/1/activate").json["active"] is True
    assert loaded.post(f"{RULESETS}/2/activate", json={}).status_code == 200
    listed = loaded.get(RULESETS).json
    assert listed["name"] == "web" and listed["active"] == {"name": "web", "version": 2}
    assert [(v["version"], v["active"]) for v in listed["versions"]] == [(2, True), (1, False)]
    history = loaded.get(f"{RULESETS}/history").json["activations"]
    assert [(a["name"], a["version"]) for a in history] == [("web", 2), ("web", 1)]
    assert history[0]["actor"].startswith("api:merchant key#")


def test_an_active_ruleset_steers_the_simulated_plan(loaded: Api) -> None:
    order = sample_order()
    before = loaded.post("/v1/sourcing/simulate", json={"order": order}).json
    assert {s["source"] for s in before["shipments"]} == {"WH-VIE"}
    version = loaded.post(RULESETS, json={"text": NO_VIENNA}).json["version"]
    loaded.post(f"{RULESETS}/{version}/activate")
    after = loaded.post("/v1/sourcing/simulate", json={"order": order}).json
    assert "WH-VIE" not in {s["source"] for s in after["shipments"]}
    assert any("Vienna ships nothing" in line for line in after["explanation"])


def test_a_version_has_an_etag_and_unknown_versions_and_channels_are_404(loaded: Api) -> None:
    loaded.post(RULESETS, json={"text": EU_ONLY})
    read = loaded.get(f"{RULESETS}/1")
    assert read.status_code == 200 and read.headers["ETag"]
    assert loaded.get(f"{RULESETS}/1", headers={"If-None-Match": read.headers["ETag"]}).status_code == 304
    assert loaded.get(f"{RULESETS}/7").status_code == 404
    assert loaded.post(f"{RULESETS}/7/activate").status_code == 404
    assert loaded.post("/v1/channels/nowhere/rulesets", json={"text": EU_ONLY}).status_code == 404
    assert loaded.get("/v1/channels/nowhere/rulesets/history").status_code == 404


def test_only_merchants_post_and_a_key_limited_to_channels_reaches_only_its_own(service: Service, loaded: Api) -> None:
    support, store_only = service.as_role("support"), service.as_role("merchant", ["store"])
    assert support.get(RULESETS).status_code == 200
    assert support.post(RULESETS, json={"text": EU_ONLY}).status_code == 403
    assert store_only.get(RULESETS).status_code == 404
    assert store_only.post(RULESETS, json={"text": EU_ONLY}).status_code == 404
    assert store_only.post("/v1/channels/store/rulesets", json={"text": EU_ONLY}).status_code == 201


def test_posting_a_ruleset_twice_under_one_idempotency_key_replays_the_first_answer(loaded: Api) -> None:
    headers = {"Idempotency-Key": "ruleset-1"}
    first = loaded.post(RULESETS, json={"text": EU_ONLY}, headers=headers)
    again = loaded.post(RULESETS, json={"text": EU_ONLY}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers.get("Idempotent-Replayed") == "true" and again.json == first.json
    assert loaded.post(RULESETS, json={"text": NO_VIENNA}, headers=headers).status_code == 422


def test_checking_rules_answers_every_diagnostic_with_line_and_column(merchant: Api) -> None:
    bad = merchant.post(CHECK, json={"text": MISSPELT + 'rule "y"\n  exclude source where source.cod == 1\n'})
    assert bad.status_code == 200 and bad.json["valid"] is False
    assert [(d["line"], d["column"]) for d in bad.json["diagnostics"]] == [(4, 24), (6, 24)]
    good = merchant.post(CHECK, json={"text": EU_ONLY}).json
    assert good == {"valid": True, "diagnostics": [], "ruleset": {"name": "eu-only", "version": 1, "rules": 1}}
    assert merchant.post(CHECK, json={"txt": EU_ONLY}).json["errors"][0]["path"] in ("text", "txt")


def test_explaining_rules_answers_what_the_command_line_prints_with_json(
    merchant: Api, loaded: Api, tmp_path: Path
) -> None:
    network, order = sample_network(), sample_order()
    engine_network = {k: network[k] for k in ("sources", "products", "stock")}
    files = {"rules": EU_ONLY, "network.json": json.dumps(engine_network), "order.json": json.dumps(order)}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    args = ["rules", "explain", str(tmp_path / "rules"), "--network", str(tmp_path / "network.json")]
    cli = CliRunner().invoke(main, [*args, "--order", str(tmp_path / "order.json"), "--json"])
    assert cli.exit_code == 0, cli.output
    given = merchant.post(EXPLAIN, json={"rules": EU_ONLY, "order": order, "network": engine_network})
    assert given.status_code == 200
    assert given.json == json.loads(cli.output)
    assert given.json["matched"][0]["rule"] == "German orders ship from EU sources only"
    stored = merchant.post(EXPLAIN, json={"rules": EU_ONLY, "order": order})
    assert stored.status_code == 200 and stored.json["plan"]["shipments"]


def test_explaining_invalid_rules_and_orders_names_every_field(merchant: Api) -> None:
    answer = merchant.post(EXPLAIN, json={"rules": MISSPELT, "order": {"id": ""}, "strategy": "cheapest"})
    assert answer.status_code == 422
    paths = {e["path"] for e in answer.json["errors"]}
    assert {"rules", "order.id", "order.delivery", "order.lines", "strategy"} <= paths


def test_a_version_posted_under_another_name_becomes_the_channels_ruleset_once_activated(loaded: Api) -> None:
    posted = loaded.post(RULESETS, json={"text": EU_ONLY, "name": "eu"})
    assert posted.status_code == 201 and posted.headers["Location"].endswith("/rulesets/1?name=eu")
    assert loaded.get(RULESETS).json["versions"] == []  # not the channel's own ruleset yet
    assert loaded.get(posted.headers["Location"]).json["text"] == EU_ONLY
    assert loaded.post(f"{RULESETS}/1/activate", json={"name": "eu"}).status_code == 200
    listed = loaded.get(RULESETS).json
    assert listed["name"] == "eu" and [v["name"] for v in listed["versions"]] == ["eu"]
    next_version = loaded.post(RULESETS, json={"text": NO_VIENNA}).json
    assert (next_version["name"], next_version["version"]) == ("eu", 2)
    assert loaded.get(f"{RULESETS}/2").json["name"] == "eu"  # the next version of the active ruleset's name


def test_a_channel_left_without_rules_keeps_its_versions_and_the_history_says_so(loaded: Api) -> None:
    loaded.post(RULESETS, json={"text": NO_VIENNA})
    loaded.post(f"{RULESETS}/1/activate")
    cleared = loaded.post(f"{RULESETS}/deactivate")
    assert cleared.status_code == 200
    assert cleared.json["active"] is None and cleared.json["name"] == "web"
    assert [v["version"] for v in cleared.json["versions"]] == [1]
    plan = loaded.post("/v1/sourcing/simulate", json={"order": sample_order()}).json
    assert {s["source"] for s in plan["shipments"]} == {"WH-VIE"}  # Vienna ships again
    history = loaded.get(f"{RULESETS}/history").json["activations"]
    assert [(a["name"], a["version"]) for a in history] == [(None, None), ("web", 1)]
