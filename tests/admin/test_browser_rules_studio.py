"""The rules studio and the network pages in a real browser (Chromium through Playwright).

A merchant writes a rule with a typo and sees the problem at its line as
they type, fixes it, saves it, tries it on an order (both plans, the
explanation and the map), and activates it; a support user cannot open the
studio.  Each test leaves a screenshot under test-output/browser/.
"""

from __future__ import annotations

from typing import Any

import pytest

from oms.service import rules_text, rulesets
from oms.service.orders import place_order
from tests.admin.conftest import LiveServer, docs_screenshot
from tests.admin.support import PASSWORD
from tests.api.catalog_fixtures import sample_order

pytestmark = pytest.mark.browser

TYPO = (
    'ruleset "web" version 1\n\nrule "Vienna ships nothing this week"\n  exclude source where source.cod == "WH-VIE"\n'
)
FIXED = TYPO.replace("source.cod ", "source.code ")


def sign_in(page: Any, name: str) -> None:
    page.goto("/admin/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/**")


@pytest.fixture(scope="module")
def an_order(live_server: LiveServer) -> str:
    placed = place_order(live_server.oms, sample_order(0))
    return sample_order(0)["id"] if placed else ""


def test_a_merchant_writes_a_rule_sees_the_typo_at_its_line_fixes_tries_and_activates_it(
    page: Any, live_server: LiveServer, an_order: str
) -> None:
    sign_in(page, "merchant")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Rules", exact=True).click()
    page.get_by_role("link", name="web", exact=True).click()
    editor = page.get_by_label("Rules text")
    editor.fill(TYPO)
    problem = page.locator("#diagnostics-list .diagnostic")
    problem.first.wait_for()
    assert problem.first.inner_text().startswith("Line 4, column 24: unknown field 'source.cod'")
    assert page.locator('#gutter span.error-line[data-line="4"]').count() == 1
    page.evaluate("document.getElementById('editor-title').scrollIntoView()")
    docs_screenshot(page, "rules-editor")

    editor.fill(FIXED)
    page.locator("#diagnostics-summary", has_text="No problems: 1 rule.").wait_for()
    assert page.locator("#gutter span.error-line").count() == 0
    page.get_by_role("button", name="Save as new version").click()
    page.get_by_text("Saved as version 1").wait_for()

    page.get_by_role("link", name="Try version 1").click()
    page.get_by_label("Recent order").select_option(an_order)
    page.get_by_role("button", name="Try it", exact=True).click()
    page.locator("#trial-result").wait_for()
    explanation = page.locator("#explanation").inner_text()
    assert "Vienna ships nothing this week" in explanation and "matched the whole order" in explanation
    assert page.locator("svg.map path.route-with").count() >= 1
    assert page.locator("svg.map path.route-without").count() >= 1
    assert "Shipment without rules" in (page.locator("svg.map g.legend").text_content() or "")
    page.evaluate("document.getElementById('result-title').scrollIntoView()")
    docs_screenshot(page, "rules-try")
    page.evaluate("document.getElementById('explanation').scrollIntoView()")
    docs_screenshot(page, "rules-map")

    page.get_by_role("link", name="Versions and editor").click()
    page.get_by_role("link", name="Activate… version 1").click()
    page.get_by_role("heading", name="What changes").wait_for()
    page.get_by_role("button", name="Activate version 1").click()
    page.get_by_text("is now active on web").wait_for()
    assert rulesets.versions(live_server.oms, "web")["active"] == {"name": "web", "version": 1}


def test_a_support_user_cannot_open_the_rules_studio(page: Any, live_server: LiveServer) -> None:
    sign_in(page, "support")
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Rules", exact=True).count() == 0
    answer = page.goto("/admin/rules")
    assert answer is not None and answer.status == 403
    page.get_by_role("heading", name="Not allowed").wait_for()


def test_the_network_page_draws_the_sources_and_lists_low_stock(page: Any, live_server: LiveServer) -> None:
    sign_in(page, "merchant")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Network & stock").click()
    assert page.locator("svg.map g.place").count() >= 30
    docs_screenshot(page, "network")
    page.get_by_role("link", name="Low stock").click()
    page.get_by_label("Threshold (units)").fill("1000")
    page.get_by_role("button", name="Show").click()
    assert page.locator("table tbody tr").count() > 1
    page.get_by_role("link", name="Stock", exact=True).click()
    page.get_by_role("textbox", name="SKU").fill("TSHIRT-M")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("heading", name="Sellable per channel").wait_for()
    docs_screenshot(page, "stock")


@pytest.mark.parametrize("url", ["/admin/rules/web", "/admin/rules/web/try", "/admin/network"])
def test_the_pages_fit_a_tablet_without_scrolling_sideways(page: Any, live_server: LiveServer, url: str) -> None:
    page.set_viewport_size({"width": 820, "height": 1180})
    sign_in(page, "merchant")
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_format_button_rewrites_the_text_as_oms_rules_fmt_does(page: Any, live_server: LiveServer) -> None:
    untidy = FIXED.replace('ruleset "web" version 1', 'ruleset   "web"   version 1').replace(
        "\n  exclude", "\n      exclude"
    )
    sign_in(page, "merchant")
    page.goto("/admin/rules/store")
    editor = page.get_by_label("Rules text")
    editor.fill(untidy)
    page.get_by_role("button", name="Format (fmt)").click()
    page.wait_for_function("document.getElementById('rules-text').value.startsWith('ruleset \"web\" version 1')")
    assert editor.input_value() == rules_text.formatted(untidy)
    assert rulesets.versions(live_server.oms, "store")["versions"] == []  # formatting stores nothing
