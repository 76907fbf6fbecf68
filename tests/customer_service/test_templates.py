"""Every message renders in every locale; a channel's own template wins; templates cannot escape the sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError

from oms.relay.messages import LOCALES, MESSAGES, Renderer, message_for

ORDER = {
    "order_id": "O1",
    "channel": "web",
    "status": "LOGISTICS",
    "reason": "PARTIALLYSHIPPED",
    "hold": None,
    "customer": {"first_name": "<b>Zoë</b>", "email": "zoe@example.com"},
    "delivery": {
        "method": "ship",
        "address": {"name": "Zoë", "street": "Hauptstr. 1", "city": "Berlin", "postcode": "10115"},
    },
    "lines": [
        {"line_id": "1", "sku": "A", "quantity": 2, "status": "SHIPPED"},
        {"line_id": "2", "sku": "C", "quantity": 1, "status": "NEW"},
    ],
    "shipment_requests": [
        {"request_id": 7, "source": "ST1", "carrier": "DHL", "tracking": "JJD1", "items": [{"sku": "A", "quantity": 2}]}
    ],
}
EVENTS = {
    "order_confirmation": ("order.created", {"order_id": "O1", "channel": "web"}),
    "shipment_confirmation": ("request.status_changed", {"request_id": "7", "to": "SHIPPED"}),
    "ready_for_pickup": ("request.status_changed", {"request_id": "7", "to": "READY"}),
    "order_cancelled": ("line.status_changed", {"line": "2", "quantity": 1, "to": "CANCELLED"}),
    "return_authorized": (
        "return.authorized",
        {
            "id": 3,
            "order_id": "O1",
            "channel": "web",
            "status": "approved",
            "source": "WH1",
            "lines": [{"line_id": "1", "quantity": 1}],
        },
    ),
    "return_received": (
        "return.received",
        {
            "id": 3,
            "order_id": "O1",
            "channel": "web",
            "status": "received",
            "source": "WH1",
            "lines": [{"line_id": "1", "quantity": 1, "good": 1, "damaged": 0}],
        },
    ),
    "refund_released": (
        "refund.released",
        {"id": 4, "kind": "refund", "order_id": "O1", "channel": "web", "amount": "19.99", "currency": "EUR"},
    ),
}


@pytest.mark.parametrize(
    ("topic", "payload", "says"),
    [
        ("return.authorized", EVENTS["return_authorized"][1], "1 x line 1"),
        ("return.received", EVENTS["return_received"][1], "1 in good condition"),
        ("refund.released", EVENTS["refund_released"][1], "refunded 19.99 EUR"),
        ("appeasement.released", {**EVENTS["refund_released"][1], "kind": "appeasement"}, "gesture of goodwill"),
    ],
)
def test_the_customer_hears_of_returns_and_refunds_with_their_lines_and_amounts(topic, payload, says) -> None:
    name = message_for(topic, payload, ORDER)
    message = Renderer().render(name, ORDER, {"entity": topic.split(".")[0], **payload})
    assert says in message.text and says.split(" ")[0] in message.html


def test_refunds_requested_or_cancelled_send_nothing_to_the_customer() -> None:
    for topic in ("refund.requested", "refund.cancelled", "appeasement.requested", "return.cancelled"):
        assert message_for(topic, {"order_id": "O1", "channel": "web"}, ORDER) is None


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", MESSAGES)
def test_every_message_renders_in_every_locale_with_html_escaped(name: str, locale: str) -> None:
    topic, payload = EVENTS[name]
    assert message_for(topic, payload, ORDER) == name
    order = {**ORDER, "customer": {**ORDER["customer"], "locale": locale}}
    request = ORDER["shipment_requests"][0]
    message = Renderer().render(name, order, {"entity": topic.split(".")[0], **payload}, request)
    assert "O1" in message.text and "O1" in message.html and "O1" in message.subject
    assert "<b>Zoë</b>" in message.text  # plain text is not escaped
    assert "&lt;b&gt;Zoë&lt;/b&gt;" in message.html and "<b>Zoë</b>" not in message.html
    assert message.to == "zoe@example.com"


def test_a_channel_override_wins_over_the_shared_one_and_the_packaged_one(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "order_confirmation.en.txt.j2").write_text("shared {{ order.order_id }}")
    (tmp_path / "web" / "order_confirmation.en.txt.j2").write_text("web's own {{ order.order_id }}")
    renderer = Renderer(str(tmp_path))
    assert renderer.render("order_confirmation", ORDER, {}).text == "web's own O1"
    assert renderer.render("order_confirmation", {**ORDER, "channel": "app"}, {}).text == "shared O1"


def test_a_template_cannot_reach_python_internals(tmp_path: Path) -> None:
    (tmp_path / "order_confirmation.en.txt.j2").write_text("{{ order.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(SecurityError):
        Renderer(str(tmp_path)).render("order_confirmation", ORDER, {})
