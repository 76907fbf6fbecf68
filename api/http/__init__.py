"""The OMS as an HTTP service: ``create_app(config)`` builds the Flask application.

flask-smorest generates the OpenAPI 3.1 document (``/openapi.json``, docs
page at ``/docs``) from the marshmallow schemas.  One folder per resource
holds its ``resources.py`` (routes: check the caller, call one
``oms.service`` handler, shape the answer) and ``schemas.py``.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Mapping
from typing import Any

from flask import Flask

from api.http import bodies, observability, problems
from api.http.auth import KeyCache
from api.http.extensions import BEARER, Api
from api.http.observability import SOURCING
from oms.service.app import Oms

API_VERSION = "1.0.0"
DOCS_ASSETS = "/docs/assets"


def create_app(config: Mapping[str, Any] | None = None, oms: Oms | None = None) -> Flask:
    """The application; ``config`` overrides the ``OMS_*`` environment (``{"OMS_DATABASE_URL": ...}``)."""
    from api.http.config import load_settings

    settings = load_settings(config)
    app = Flask("oms")
    app.config.update(settings.values)
    app.config.update({k: v for k, v in (config or {}).items() if not k.startswith("OMS_")})
    app.config.update(
        MAX_CONTENT_LENGTH=settings["OMS_MAX_BODY_BYTES"],
        API_TITLE="OMS",
        API_VERSION=API_VERSION,
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=f"{DOCS_ASSETS}/",  # served from the swagger-ui-bundle package: no internet needed
        API_SPEC_OPTIONS={
            "info": {"description": "Order management with an optimizing sourcing engine. See docs/api.md."},
            "components": {"securitySchemes": {BEARER: {"type": "http", "scheme": "bearer"}}},
            "security": [{BEARER: []}],
        },
        JSON_SORT_KEYS=False,
    )
    app.json.sort_keys = False
    app.json.ensure_ascii = True
    if oms is None:
        oms = Oms.connect(settings["OMS_DATABASE_URL"])
    oms.on_plan = _observe_plan
    app.extensions["oms"] = oms
    app.extensions["oms_key_cache"] = KeyCache(settings["OMS_API_KEY_CACHE_SECONDS"])

    observability.register(app)  # first: request ids exist before anything can fail
    app.before_request(bodies.check_request)
    problems.register(app)
    api = Api(app)
    app.extensions["oms_api"] = api
    for blueprint in resource_blueprints():
        api.register_blueprint(blueprint)
    app.add_url_rule(f"{DOCS_ASSETS}/<path:filename>", "docs_assets", _docs_asset)
    from api.admin import init_app as init_admin  # the admin pages: same app, same handlers, same roles

    init_admin(app)
    return app


def _docs_asset(filename: str) -> Any:
    """Swagger UI's scripts and styles for the /docs page, from the installed package."""
    from flask import send_from_directory
    from swagger_ui_bundle import swagger_ui_path

    return send_from_directory(str(swagger_ui_path), filename, max_age=86_400)


def resource_blueprints() -> list[Any]:
    """``blp`` of every resource package under api/http/ (a package with a ``resources`` module), by name."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.ispkg and importlib.util.find_spec(f"{__name__}.{info.name}.resources") is not None:
            found.append(importlib.import_module(f"{__name__}.{info.name}.resources").blp)
    return found


def _observe_plan(plan: Any) -> None:
    SOURCING.labels(plan.strategy, plan.stats.path or "-").observe(plan.stats.total_ms / 1000)
