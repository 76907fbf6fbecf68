"""The rules studio through the test client: every page and form, and who may open them."""
# ruff: noqa: F401, F811 (the studio fixtures are imported by name)

from __future__ import annotations

import re

import pytest

from oms.errors import Conflict
from oms.service import rulesets
from tests.admin.studio_fixtures import EU_ONLY, NO_VIENNA, TYPO, Studio, prepared, studio
from tests.admin.support import post_form, token

RULES = "/admin/rules"
WEB = "/admin/rules/web"
PAGES = [
    RULES,
    WEB,
    f"{WEB}/diff",
    f"{WEB}/try",
    "/admin/network",
    "/admin/network/stock",
    "/admin/network/low-stock",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_opens_for_a_merchant_and_is_refused_to_support_and_integration(studio: Studio, url: str) -> None:
    page = studio.as_user("merchant").get(url)
    assert page.status_code == 200 and "<h1>" in page.text
    assert studio.as_user("support").get(url).status_code == 403
    assert studio.as_user("integration").get(url).status_code == 403
    assert studio.as_user("readonly").get(url).status_code == 200  # reading every page
    signed_out = studio.app.test_client().get(url)
    assert signed_out.status_code == 302 and "/admin/login" in signed_out.headers["Location"]


def test_the_rules_studio_lists_channels_with_their_active_ruleset(studio: Studio) -> None:
    rulesets.post_version(studio.oms, "web", EU_ONLY)
    rulesets.activate(studio.oms, "web", 1)
    page = studio.as_user("merchant").get(RULES).text
    assert re.search(r'href="/admin/rules/web">web</a>', page)
    assert "web v1" in page and "no rules" in page  # web is active, store and pos have none


def test_checking_a_typo_shows_the_problem_at_its_line_and_column(studio: Studio) -> None:
    merchant = studio.as_user("merchant")
    answer = post_form(merchant, WEB, {"text": TYPO, "action": "check"})
    assert answer.status_code == 200
    assert 'data-line="4" data-column="24"' in answer.text
    assert "Line 4, column 24</a>: unknown field &#39;source.cod&#39;" in answer.text
    assert re.search(r'<span class="error-line" data-line="4">4</span>', answer.text)


def test_formatting_rewrites_the_text_in_the_editor(studio: Studio) -> None:
    untidy = NO_VIENNA.replace("\n  exclude", "\n        exclude")
    answer = post_form(studio.as_user("merchant"), WEB, {"text": untidy, "action": "fmt"})
    assert answer.status_code == 200 and "Formatted." in answer.text
    assert "\n  exclude source where source.code" in answer.text.replace("&#34;", '"').replace("&quot;", '"')


def test_saving_stores_a_new_inactive_version_and_refuses_a_text_that_does_not_check(studio: Studio) -> None:
    merchant = studio.as_user("merchant")
    refused = post_form(merchant, WEB, {"text": TYPO, "action": "save"})
    assert refused.status_code == 422 and "Line 4, column 24" in refused.text
    assert rulesets.versions(studio.oms, "web")["versions"] == []
    saved = post_form(merchant, WEB, {"text": NO_VIENNA, "action": "save"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/admin/rules/web?version=1")
    [version] = rulesets.versions(studio.oms, "web")["versions"]
    assert version["created_by"] == "admin:merchant" and version["active"] is False
    page = merchant.get(saved.headers["Location"]).text
    assert "Saved as version 1" in page and "Activate…" in page


def test_an_unknown_action_or_a_form_without_its_token_is_refused(studio: Studio) -> None:
    merchant = studio.as_user("merchant")
    assert post_form(merchant, WEB, {"text": EU_ONLY, "action": "delete"}).status_code == 400
    assert merchant.post(WEB, data={"text": EU_ONLY, "action": "save"}).status_code == 400
    assert rulesets.versions(studio.oms, "web")["versions"] == []


def test_the_diff_shows_two_versions_side_by_side(studio: Studio) -> None:
    rulesets.post_version(studio.oms, "web", EU_ONLY)
    rulesets.post_version(studio.oms, "web", NO_VIENNA)
    page = studio.as_user("merchant").get(f"{WEB}/diff?old=1&new=2").text
    assert "Changes from version 1 to version 2" in page
    assert 'class="diff-changed"' in page and "added" in page
    assert studio.as_user("merchant").get(f"{WEB}/diff?old=1&new=9").status_code == 404
    assert studio.as_user("merchant").get(f"{WEB}/diff?old=x").status_code == 404


def test_activating_asks_for_confirmation_then_activates_as_the_signed_in_user(studio: Studio) -> None:
    rulesets.post_version(studio.oms, "web", EU_ONLY)
    merchant = studio.as_user("merchant")
    confirm = f"{WEB}/versions/1/activate"
    page = merchant.get(confirm)
    assert page.status_code == 200 and "Activate version 1" in page.text
    assert "today the channel has no rules" in page.text
    assert rulesets.versions(studio.oms, "web")["active"] is None  # looking is not activating
    done = merchant.post(confirm, data={"csrf_token": token(page.text), "expected_active": "none"})
    assert done.status_code == 302
    assert rulesets.versions(studio.oms, "web")["active"] == {"name": "web", "version": 1}
    assert rulesets.history(studio.oms, "web")["activations"][0]["actor"] == "admin:merchant"


def test_an_activation_confirmed_over_a_change_not_seen_is_refused(studio: Studio) -> None:
    rulesets.post_version(studio.oms, "web", EU_ONLY)
    rulesets.post_version(studio.oms, "web", NO_VIENNA)
    merchant = studio.as_user("merchant")
    page = merchant.get(f"{WEB}/versions/2/activate").text
    rulesets.activate(studio.oms, "web", 1, actor="someone else")
    stale = merchant.post(f"{WEB}/versions/2/activate", data={"csrf_token": token(page), "expected_active": "none"})
    assert stale.status_code == 409 and "changed since this page was shown" in stale.text
    assert rulesets.versions(studio.oms, "web")["active"]["version"] == 1


def test_an_activation_expecting_another_active_version_is_refused_and_writes_nothing(studio: Studio) -> None:
    rulesets.post_version(studio.oms, "web", EU_ONLY)
    rulesets.post_version(studio.oms, "web", NO_VIENNA)
    rulesets.activate(studio.oms, "web", 1, actor="someone else")
    with pytest.raises(Conflict, match="version 1 of 'web'"):
        rulesets.activate(studio.oms, "web", 2, actor="merchant", expected_active=(None, None))
    assert rulesets.versions(studio.oms, "web")["active"] == {"name": "web", "version": 1}
    assert len(rulesets.history(studio.oms, "web")["activations"]) == 1
    done = rulesets.activate(studio.oms, "web", 2, actor="merchant", expected_active=("web", 1))
    assert done["version"] == 2 and rulesets.versions(studio.oms, "web")["active"]["version"] == 2


def test_support_cannot_save_or_activate_and_unknown_channels_and_versions_are_404(studio: Studio) -> None:
    rulesets.post_version(studio.oms, "web", EU_ONLY)
    support = studio.as_user("support")
    assert support.post(WEB, data={"text": EU_ONLY, "action": "save"}).status_code in (400, 403)
    merchant = studio.as_user("merchant")
    assert merchant.get("/admin/rules/nowhere").status_code == 404
    assert merchant.get(f"{WEB}?version=99").status_code == 404
    assert merchant.get(f"{WEB}/versions/99/activate").status_code == 404
    assert merchant.get(f"{WEB}/versions/{2**40}/activate").status_code == 404


def test_a_merchant_limited_to_a_channel_sees_only_that_channels_rules(studio: Studio) -> None:
    limited = studio.as_user("web-merchant")
    index = limited.get(RULES).text
    assert "/admin/rules/web" in index and "/admin/rules/store" not in index
    assert limited.get("/admin/rules/store").status_code == 404
    assert limited.get("/admin/rules/store/try").status_code == 404


def test_trying_rules_on_a_recent_order_shows_both_plans_the_explanation_and_the_map(studio: Studio) -> None:
    merchant = studio.as_user("merchant")
    form = merchant.get(f"{WEB}/try").text
    assert '<option value="ORD-1001"' in form and '<option value="ORD-1002"' in form
    answer = post_form(merchant, f"{WEB}/try", {"text": NO_VIENNA, "order_id": "ORD-1001", "strategy": "optimal"})
    assert answer.status_code == 200
    page = answer.text
    assert "With these rules" in page and "Without rules" in page
    assert "Vienna ships nothing this week" in page and "(line 3) matched the whole order" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="map" role="img"' in page
    assert "Shipment without rules" in page  # the legend


def test_trying_rules_on_a_pasted_order_and_on_bad_input_names_the_problem(studio: Studio) -> None:
    merchant = studio.as_user("merchant")
    pasted = '{"id": "TRY-1", "delivery": {"method": "ship", "address": {"lat": 48.2, "lon": 16.4, "country": "AT"}},'
    pasted += ' "lines": [{"id": "1", "sku": "TSHIRT-M", "quantity": 1}]}'
    ok = post_form(merchant, f"{WEB}/try", {"text": NO_VIENNA, "order_json": pasted})
    assert ok.status_code == 200 and "Order TRY-1" in ok.text
    for data, path in [
        ({"text": TYPO, "order_id": "ORD-1001"}, "rules"),
        ({"text": NO_VIENNA, "order_json": "{not json"}, "order"),
        ({"text": NO_VIENNA, "order_json": "[1]"}, "order"),
        ({"text": NO_VIENNA, "order_json": "[" * 100_000}, "order"),
        (
            {"text": NO_VIENNA, "order_json": pasted.replace('"quantity": 1', '"quantity": 0')},
            "order.lines[0].quantity",
        ),
    ]:
        answer = post_form(merchant, f"{WEB}/try", data)
        assert answer.status_code == 422, data
        assert f"<code>{path}</code>" in answer.text
    nothing = post_form(merchant, f"{WEB}/try", {"text": NO_VIENNA})
    assert nothing.status_code == 200 and "Pick one of the channel" in nothing.text
    unknown = post_form(merchant, f"{WEB}/try", {"text": NO_VIENNA, "order_id": "NOPE"})
    assert unknown.status_code == 404
