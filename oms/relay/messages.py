"""Customer messages: which event sends which message, rendered from Jinja2 templates.

Templates are ``<message>.<locale>.txt.j2`` and ``<message>.<locale>.html.j2``
(the packaged ones under ``oms/relay/templates``).  A directory given as
``OMS_TEMPLATE_DIR`` overrides them: ``<dir>/<channel>/<file>`` for one
channel, ``<dir>/<file>`` for all.  The environment is sandboxed (a template
cannot reach Python internals) and escapes HTML parts automatically.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

MESSAGES = (
    "order_confirmation",
    "shipment_confirmation",
    "ready_for_pickup",
    "order_cancelled",
    "return_authorized",
    "return_received",
    "refund_released",
)
# Post-sales events that the customer hears of; the payload is the return or refund record.
POST_SALES_MESSAGES = {
    "return.authorized": "return_authorized",
    "return.received": "return_received",
    "refund.released": "refund_released",
    "appeasement.released": "refund_released",
}
LOCALES = ("en", "de")
SUBJECTS = {
    "en": {
        "order_confirmation": "Your order {order_id}",
        "shipment_confirmation": "Your order {order_id} is on its way",
        "ready_for_pickup": "Your order {order_id} is ready for pickup",
        "order_cancelled": "Your order {order_id}: cancellation",
        "return_authorized": "Your return for order {order_id}",
        "return_received": "We received your return for order {order_id}",
        "refund_released": "A refund on your order {order_id}",
    },
    "de": {
        "order_confirmation": "Ihre Bestellung {order_id}",
        "shipment_confirmation": "Ihre Bestellung {order_id} ist unterwegs",
        "ready_for_pickup": "Ihre Bestellung {order_id} liegt zur Abholung bereit",
        "order_cancelled": "Ihre Bestellung {order_id}: Stornierung",
        "return_authorized": "Ihre Rücksendung zur Bestellung {order_id}",
        "return_received": "Ihre Rücksendung zur Bestellung {order_id} ist eingegangen",
        "refund_released": "Eine Erstattung zu Ihrer Bestellung {order_id}",
    },
}


@dataclass(frozen=True, slots=True)
class Message:
    name: str
    to: str
    subject: str
    text: str
    html: str


def message_for(topic: str, payload: dict[str, Any], order: dict[str, Any] | None) -> str | None:
    """The message an event sends to the customer, if any."""
    if order is None:
        return None
    if topic == "order.created":
        return "order_confirmation"
    if topic in POST_SALES_MESSAGES:
        return POST_SALES_MESSAGES[topic]
    to, entity = payload.get("to"), topic.split(".")[0]
    if entity == "request" and to == "SHIPPED":
        return "shipment_confirmation"
    if entity == "request" and to == "READY":
        return "ready_for_pickup"
    # MOM: a cancellation is seen when the order reaches Logistics Complete cancelled (or is cancelled before logistics)
    if entity == "order" and (
        to == "CANCELLED" or (to == "LOGISTICSCOMPLETE" and payload.get("reason") == "FULLYCANCELLED")
    ):
        return "order_cancelled"
    whole = order["status"] == "CANCELLED" or order.get("reason") == "FULLYCANCELLED"
    if entity == "line" and to == "CANCELLED" and not whole:
        return "order_cancelled"  # some lines only; the whole order's cancellation sends one message, above
    return None


class Renderer:
    def __init__(self, override_dir: str | None = None) -> None:
        self.override_dir = Path(override_dir) if override_dir else None
        self._envs: dict[str, SandboxedEnvironment] = {}

    def env(self, channel: str) -> SandboxedEnvironment:
        if channel not in self._envs:
            loaders: list[Any] = []
            if self.override_dir is not None:
                loaders += [FileSystemLoader(self.override_dir / channel), FileSystemLoader(self.override_dir)]
            loaders.append(PackageLoader("oms.relay", "templates"))
            self._envs[channel] = SandboxedEnvironment(
                loader=ChoiceLoader(loaders),
                autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
                keep_trailing_newline=True,
            )
        return self._envs[channel]

    def render(
        self, name: str, order: dict[str, Any], event: dict[str, Any], request: dict[str, Any] | None = None
    ) -> Message:
        """``event``: the event's payload and its ``entity``; ``request``: the shipment request it is about."""
        locale = str((order.get("customer") or {}).get("locale") or "en")
        locale = locale if locale in LOCALES else "en"
        env = self.env(order["channel"])
        customer = order.get("customer") or {}
        context = {"order": order, "event": event, "customer": customer, "locale": locale, "request": request}
        parts = []
        for kind in ("txt", "html"):
            try:
                template = env.get_template(f"{name}.{locale}.{kind}.j2")
            except TemplateNotFound:
                template = env.get_template(f"{name}.en.{kind}.j2")
            parts.append(template.render(context))
        to = (order.get("customer") or {}).get("email") or ""
        subject = SUBJECTS[locale][name].format(order_id=order["order_id"])
        return Message(name, to, subject, parts[0], parts[1])
