"""Webhook subscriptions: the events a system wants, signed with its secret (role admin)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from api.http.auth import requires
from api.http.bodies import json_response
from api.http.extensions import Blueprint, current_oms
from api.http.idempotency import idempotent
from api.http.webhooks.schemas import NewWebhookSchema, WebhookListSchema, WebhookSchema
from oms.service.webhooks import add_webhook, list_webhooks

blp = Blueprint("webhooks", __name__, url_prefix="/v1/webhooks", description="Webhook subscriptions")


@blp.route("")
class Webhooks(MethodView):
    @requires("admin")
    @blp.response(200, WebhookListSchema)
    def get(self) -> Any:
        """Every subscription (secrets are never shown)."""
        return json_response({"items": list_webhooks(current_oms())})

    @requires("admin")
    @idempotent
    @blp.arguments(NewWebhookSchema)
    @blp.response(201, WebhookSchema)
    def post(self, args: dict[str, Any]) -> Any:
        """Subscribe a URL to event types ("*" for all), for one channel or all; deliveries are signed."""
        added = add_webhook(current_oms(), args["url"], args["events"], args["secret"], args["channel"])
        return json_response(added, 201, {"Location": f"{blp.url_prefix}/{added['webhook_id']}"})
