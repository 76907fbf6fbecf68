"""``POST /v1/rules/fmt``: the canonical formatting of ``oms rules fmt``, over HTTP, for the rules studio's button."""
# ruff: noqa: F401, F811 (the catalog fixtures are imported by name)

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from api.cli import main
from tests.api.catalog_fixtures import EU_ONLY, Api, Service, merchant, service

FMT = "/v1/rules/fmt"
UNTIDY = 'ruleset "eu-only"   version 1\nrule "German orders ship from EU sources only"\n when order.delivery.address.country=="DE"\n      only source where "eu" in source.tags\n'  # noqa: E501


def test_formatting_answers_what_the_command_line_prints(merchant: Api, tmp_path: Path) -> None:
    path = tmp_path / "untidy.rules"
    path.write_text(UNTIDY)
    printed = CliRunner().invoke(main, ["rules", "fmt", str(path)]).output
    answer = merchant.post(FMT, json={"text": UNTIDY})
    assert answer.status_code == 200
    assert answer.json == {"text": printed, "changed": True}
    assert merchant.post(FMT, json={"text": printed}).json == {"text": printed, "changed": False}


def test_formatting_text_with_a_syntax_error_is_refused_at_its_line_and_column(merchant: Api) -> None:
    answer = merchant.post(FMT, json={"text": 'ruleset "x" version 1\n\nrule "a"\n  exclude sorce where true\n'})
    assert answer.status_code == 422 and answer.headers["Content-Type"] == "application/problem+json"
    [error] = answer.json["errors"]
    assert error["path"] == "text" and error["message"].startswith("rules:4:")
    assert merchant.post(FMT, json={}).json["errors"][0]["path"] == "text"
    assert merchant.post(FMT, json={"text": 3}).status_code == 422


def test_merchants_and_support_format_rules_and_other_roles_may_not(service: Service) -> None:
    assert service.as_role("support").post(FMT, json={"text": EU_ONLY}).status_code == 200
    assert service.as_role("integration").post(FMT, json={"text": EU_ONLY}).status_code == 403
    assert service.as_role("readonly").post(FMT, json={"text": EU_ONLY}).status_code == 403
    assert service.anonymous().post(FMT, json={"text": EU_ONLY}).status_code == 401
