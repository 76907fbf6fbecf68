"""Whatever a visitor types into the sign-in form or the search, the answer is a page, never a 500."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.admin.support import token

EXTREMES = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["", "\x00", "\ud800", "0", "-1", str(2**31), str(2**63), "1e-7", "1e308", "NaN", "x" * 5000]),
)
FILTERS = ("order_id", "name", "email", "phone", "postcode", "channel", "status", "type", "created_from", "sku")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(name=EXTREMES, password=EXTREMES)
def test_any_name_and_password_get_the_sign_in_page_or_a_session(admin_app, name: str, password: str) -> None:
    client = admin_app[0].test_client()
    csrf = token(client.get("/admin/login").text)
    data = {"username": name, "password": password, "csrf_token": csrf}
    response = client.post(
        "/admin/login",
        data=urlencode(data, errors="surrogatepass").encode("utf-8", "surrogatepass"),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (302, 400, 401), response.status_code
    assert "Traceback" not in response.text


@pytest.fixture
def support(as_user):
    return as_user("support")


@SETTINGS
@given(field=st.sampled_from(FILTERS), value=EXTREMES)
def test_any_search_term_gets_the_grid_or_the_field_explained(support, field: str, value: str) -> None:
    response = support.get("/admin/orders?" + urlencode({field: value}, errors="surrogatepass"))
    assert response.status_code in (200, 422), (field, value, response.status_code)
    assert "Traceback" not in response.text


ORDER_PAGE = "/admin/orders/web/O1"
ACTION_FIELDS = {
    "exchange": ("exchange-1", "newsku-1", "reason"),
    "appease": ("amount", "appease-line-1", "reason", "note"),
}


@pytest.fixture
def shipped_order(admin_app):
    from tests.oms.post_sales_support import setup_shipped

    setup_shipped(admin_app[1], "O1", [{"id": "1", "sku": "A", "quantity": 2, "unit_price": "10.00"}])
    return admin_app


@SETTINGS
@given(action=st.sampled_from(sorted(ACTION_FIELDS)), values=st.lists(EXTREMES, min_size=4, max_size=4))
def test_any_exchange_or_appeasement_form_gets_the_order_page_back_never_a_500(
    shipped_order, support, action: str, values: list[str]
) -> None:
    from oms.service.views import order_view

    before = order_view(shipped_order[1], "O1", "web")
    data = dict(zip(ACTION_FIELDS[action], values, strict=False))
    data["csrf_token"] = token(support.get(ORDER_PAGE).text)
    response = support.post(
        f"{ORDER_PAGE}/actions/{action}",
        data=urlencode(data, errors="surrogatepass").encode("utf-8", "surrogatepass"),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (302, 400), response.status_code
    page = support.get(ORDER_PAGE)
    assert page.status_code == 200 and "Traceback" not in page.text
    after = order_view(shipped_order[1], "O1", "web")
    if 'class="flash flash-error"' in page.text:  # refused: nothing written
        assert (after["refunds"], after["linked_orders"]) == (before["refunds"], before["linked_orders"])
