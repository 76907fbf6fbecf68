"""Whatever a merchant types into the rules studio or the stock pages, the answer is a page, never a 500."""
# ruff: noqa: F401, F811 (the studio fixtures are imported by name)

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.admin.studio_fixtures import Studio, prepared, studio
from tests.admin.support import token

EXTREMES = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        ["", "\x00", "\ud800", "0", "-1", str(2**31), str(2**63), "1e-7", "1e308", "NaN", "x" * 5000, "{}", "[]"]
    ),
)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
WEB = "/admin/rules/web"


def send(client: Any, url: str, data: dict[str, str]) -> Any:
    body = urlencode(data, errors="surrogatepass").encode("utf-8", "surrogatepass")
    return client.post(url, data=body, content_type="application/x-www-form-urlencoded")


@SETTINGS
@given(text=EXTREMES, action=st.sampled_from(["check", "fmt", "save"]))
def test_any_rules_text_gets_the_editor_back_with_its_problems_or_a_saved_version(
    studio: Studio, text: str, action: str
) -> None:
    merchant = studio.signed_in("merchant")
    csrf = token(merchant.get(WEB).text)
    answer = send(merchant, WEB, {"text": text, "action": action, "csrf_token": csrf})
    assert answer.status_code in (200, 302, 422), answer.status_code
    assert "Traceback" not in answer.text


@SETTINGS
@given(order_id=EXTREMES, order_json=EXTREMES, strategy=EXTREMES)
def test_any_order_and_strategy_tried_get_the_try_page(
    studio: Studio, order_id: str, order_json: str, strategy: str
) -> None:
    merchant = studio.signed_in("merchant")
    csrf = token(merchant.get(f"{WEB}/try").text)
    data = {"text": 'ruleset "web" version 1\n', "order_id": order_id, "order_json": order_json, "strategy": strategy}
    answer = send(merchant, f"{WEB}/try", {**data, "csrf_token": csrf})
    assert answer.status_code in (200, 404, 422), answer.status_code
    assert "Traceback" not in answer.text


@SETTINGS
@given(value=EXTREMES, name=st.sampled_from(["sku", "source", "after", "threshold", "old", "new", "version"]))
def test_any_query_argument_gets_a_page(studio: Studio, value: str, name: str) -> None:
    merchant = studio.signed_in("merchant")
    query = urlencode({name: value}, errors="surrogatepass")
    for url in ("/admin/network/stock", "/admin/network/low-stock", f"{WEB}/diff", WEB, f"{WEB}/try"):
        answer = merchant.get(f"{url}?{query}")
        assert answer.status_code in (200, 404, 422), (url, answer.status_code)
        assert "Traceback" not in answer.text
