"""Extensions: the custom actions available, running one (recorded), the execution log (role admin)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView

from api.http.auth import caller, requires
from api.http.bodies import json_body, json_response
from api.http.extensions import Blueprint, Schema, current_oms
from api.http.idempotency import idempotent
from oms.service import extensions as service

blp = Blueprint("extension_runs", __name__, url_prefix="/v1/extensions", description="Extensions management")


class ExtensionSchema(Schema):
    name = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    parameters = ma.fields.List(ma.fields.Dict(), required=True)


class ExtensionListSchema(Schema):
    items = ma.fields.List(ma.fields.Nested(ExtensionSchema), required=True)


class RunSchema(Schema):
    run_id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    actor = ma.fields.String(required=True)
    params = ma.fields.Dict(required=True)
    status = ma.fields.String(required=True, metadata={"description": "succeeded or failed"})
    result = ma.fields.Raw(allow_none=True)
    error = ma.fields.String(allow_none=True)
    log = ma.fields.List(ma.fields.String(), required=True)
    started_at = ma.fields.String(required=True)
    elapsed_ms = ma.fields.Float(required=True)


class RunListSchema(Schema):
    items = ma.fields.List(ma.fields.Nested(RunSchema), required=True)


@blp.route("")
class Extensions(MethodView):
    @requires("admin")
    @blp.response(200, ExtensionListSchema)
    def get(self) -> Any:
        """Every extension with its parameters."""
        return json_response({"items": [service.describe(e) for e in service.available().values()]})


@blp.route("/<string(maxlength=100):name>/runs")
class Runs(MethodView):
    @requires("admin")
    @blp.response(200, RunListSchema)
    def get(self, name: str) -> Any:
        """The extension's runs, newest first."""
        service.find(name)
        return json_response({"items": service.runs(current_oms(), name)})

    @requires("admin")
    @idempotent
    @blp.body(Schema, "The parameters, as the extension's schema declares them")
    @blp.response(201, RunSchema, description="The run, succeeded or failed (its changes rolled back)")
    def post(self, name: str) -> Any:
        """Run the extension with the parameters in the body; the run is recorded whatever its outcome."""
        done = service.run_extension(current_oms(), name, json_body() or {}, caller().actor)
        return json_response(done, 201)
