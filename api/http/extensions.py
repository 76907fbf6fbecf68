"""The flask-smorest pieces every resource uses, customised in this one place.

- ``Api``: documents every error as ``application/problem+json`` and the
  bearer-key security scheme; errors themselves are answered by ``problems``.
- ``Blueprint``: flask-smorest's, with webargs reading JSON bodies that the
  request guard has already parsed and checked (size, depth, characters).
- ``Schema``: the base of the API's own query and response schemas; fields
  that the OMS already defines are reused from ``oms.schemas``, never copied.
- ``current_oms()``: the application's ``Oms`` (database, rules, clock).
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import current_app, g
from flask_smorest import Api as BaseApi
from flask_smorest import Blueprint as BaseBlueprint
from flask_smorest.utils import prepare_response
from webargs.flaskparser import FlaskParser

from oms.service.app import Oms

PROBLEM_JSON = "application/problem+json"
BEARER = "bearerAuth"


def current_oms() -> Oms:
    return current_app.extensions["oms"]


class Schema(ma.Schema):
    """Unknown fields are errors: a misspelt option must not be silently ignored."""

    class Meta:
        unknown = ma.RAISE


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details (documentation only: ``problems`` builds the bodies)."""

    type = ma.fields.String(required=True, metadata={"description": "stable URI of the kind of problem"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String(required=True)
    request_id = ma.fields.String()
    errors = ma.fields.List(ma.fields.Dict(), metadata={"description": "422: every invalid field, as {path, message}"})
    current_status = ma.fields.String(metadata={"description": "409 illegal transition: the current status"})


class BodyParser(FlaskParser):
    """JSON bodies come from the request guard, parsed once with the service's limits."""

    def load_json(self, req: Any, schema: ma.Schema) -> Any:
        return g.get("json_body", ma.missing)

    def load_json_or_form(self, req: Any, schema: ma.Schema) -> Any:
        return self.load_json(req, schema)


class Blueprint(BaseBlueprint):
    ARGUMENTS_PARSER = BodyParser()

    def body(self, schema: type[ma.Schema] | ma.Schema, description: str = "", example: Any = None) -> Any:
        """Document a JSON request body that the route hands unparsed to a service handler (which validates it)."""
        content: dict[str, Any] = {"schema": schema}
        if example is not None:
            content["example"] = example
        return self.doc(
            requestBody={"required": True, "description": description, "content": {"application/json": content}}
        )


class Api(BaseApi):
    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        """flask-smorest's default error responses, as problem+json."""
        import http

        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error (problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def _register_error_handlers(self) -> None:
        """``problems.register`` handles every error; flask-smorest's JSON error bodies are not used."""
