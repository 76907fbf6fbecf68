"""The admin pages: server-rendered HTML under ``/admin`` in the same Flask application as the API.

The pages call the same ``oms.service`` handlers as the API's routes, with
the signed-in user's role and channels (``access``).  Each module of
``api.admin.pages`` adds its routes to the ``admin`` blueprint; ``init_app``
imports them all, so that a new page is a new module and nothing else.

Security (``security``): a signed session cookie (HttpOnly, SameSite=Lax,
Secure over TLS), a CSRF token on every form and every JavaScript call
(Flask-WTF), argon2 passwords with lockout (``oms.service.users``).
"""

from __future__ import annotations

import importlib
import pkgutil

from flask import Flask

from api.admin import pages, security
from api.admin.blueprint import bp


def init_app(app: Flask) -> None:
    security.configure(app)
    for info in sorted(pkgutil.iter_modules(pages.__path__), key=lambda m: m.name):
        importlib.import_module(f"{pages.__name__}.{info.name}")
    app.register_blueprint(bp)
