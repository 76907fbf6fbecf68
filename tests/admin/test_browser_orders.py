"""In a real browser: an order placed over the API is found by the customer's e-mail, commented on and
partly cancelled from its page, and the timeline shows both under the user's name."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.admin.conftest import docs_screenshot
from tests.admin.support import browser_sign_in

pytestmark = pytest.mark.browser
MUNICH = {"lat": 48.1351, "lon": 11.582, "country": "DE", "postcode": "80331", "city": "München"}


def place_over_the_api(live_server: Any, email: str) -> str:
    number = f"B-{uuid.uuid4().hex[:8].upper()}"
    doc = {
        "id": number,
        "channel": "web",
        "customer": {"first_name": "Lena", "last_name": "Vogel", "email": email, "phone": "+49 89 555 0101"},
        "delivery": {"method": "ship", "address": MUNICH},
        "lines": [
            {"id": "1", "sku": "TSHIRT-M", "quantity": 3, "unit_price": 19.99},
            {"id": "2", "sku": "JEANS-32", "quantity": 1, "unit_price": 59.0},
        ],
    }
    headers = {"Authorization": f"Bearer {live_server.api_key}"}
    placed = httpx.post(f"{live_server.url}/v1/orders", json=doc, headers=headers, timeout=30)
    assert placed.status_code == 201, placed.text
    return number


def test_an_order_placed_over_the_api_is_found_by_the_customers_email(page, live_server) -> None:
    email = f"lena.{uuid.uuid4().hex[:6]}@example.com"
    number = place_over_the_api(live_server, email)
    browser_sign_in(page, "support")
    docs_screenshot(page, "dashboard")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Orders").click()
    page.get_by_label("E-mail").fill(email.upper())
    page.get_by_role("button", name="Search").click()
    grid = page.get_by_role("table", name="Orders found")
    assert grid.get_by_role("link", name=number).is_visible()
    assert grid.get_by_role("row").count() == 2  # the header and this order
    docs_screenshot(page, "orders")
    grid.get_by_role("link", name=number).click()
    assert page.get_by_role("heading", name=f"Order {number}").is_visible()


def test_a_comment_and_a_cancelled_line_show_in_the_timeline_under_the_users_name(page, live_server) -> None:
    number = place_over_the_api(live_server, "timeline@example.com")
    browser_sign_in(page, "support")
    page.goto(f"/admin/orders/web/{number}")
    timeline = page.get_by_role("table", name="Timeline")
    rows_before = timeline.get_by_role("row").count()

    page.get_by_label("Add a comment").fill("Customer asked to drop two shirts")
    page.get_by_role("button", name="Add the comment").click()
    assert page.get_by_role("status").get_by_text("Comment added.").is_visible()

    page.get_by_label("Line 1 (TSHIRT-M): units to cancel").fill("2")
    page.get_by_role("button", name="Cancel these units").click()
    assert page.get_by_role("status").get_by_text("Cancelled 2 units.").is_visible()
    assert page.locator("#line-1").get_by_text("2 × CANCELLED").is_visible()

    timeline = page.get_by_role("table", name="Timeline")
    assert timeline.get_by_role("row").count() > rows_before + 1
    assert timeline.get_by_role("row").filter(has_text="Customer asked to drop two shirts").count() == 1
    cancelled = timeline.get_by_role("row").filter(has_text="CANCELLED")
    assert cancelled.count() >= 1 and "admin:support" in cancelled.first.inner_text()
    docs_screenshot(page, "order")


def test_a_refused_action_is_explained_on_the_page_by_the_oms(page, live_server) -> None:
    number = place_over_the_api(live_server, "refused@example.com")
    browser_sign_in(page, "support")
    page.goto(f"/admin/orders/web/{number}")
    page.get_by_label("Line", exact=True).select_option("1")
    page.get_by_label("New unit price (EUR)").fill("15.00")
    page.get_by_role("button", name="Change the price").click()
    assert page.get_by_role("status").get_by_text("is not price_adjustable").is_visible()
    assert page.get_by_text("Traceback").count() == 0


def test_cancelling_the_whole_order_asks_first_and_is_then_no_longer_offered(page, live_server) -> None:
    number = place_over_the_api(live_server, "cancel@example.com")
    browser_sign_in(page, "support")
    page.goto(f"/admin/orders/web/{number}")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Cancel the order").click()
    assert page.get_by_role("button", name="Cancel the order").is_visible()  # dismissed: nothing sent
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel the order").click()
    assert page.get_by_role("status").get_by_text("Order cancelled: 4 units.").is_visible()
    assert page.get_by_role("button", name="Cancel the order").count() == 0


@pytest.mark.parametrize("width", [1280, 820])
def test_the_pages_fit_the_screen_at_desktop_and_tablet_width(page, live_server, width: int) -> None:
    number = place_over_the_api(live_server, "tablet@example.com")
    page.set_viewport_size({"width": width, "height": 1000})
    browser_sign_in(page, "admin")
    for path in ("/admin/", "/admin/orders", f"/admin/orders/web/{number}"):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (path, width, overflow)
    page.keyboard.press("Tab")  # the first stop is the skip link, visible when focused
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert page.get_by_role("link", name="Skip to content").is_visible()
