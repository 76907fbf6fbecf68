"""The service's settings: the environment's ``OMS_*`` variables (12-factor), overridden by ``create_app(config)``.

docs/api.md lists every setting in one table; keep the two in step.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oms.adapters.database import DEFAULT_URL


def boolean(raw: Any) -> bool:
    """``1 true yes on`` or ``0 false no off`` (any case)."""
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


# name: (default, type); docs/api.md explains each in its configuration table
SETTINGS: dict[str, tuple[Any, type]] = {
    "OMS_DATABASE_URL": (DEFAULT_URL, str),
    "OMS_BIND": ("127.0.0.1:8000", str),
    "OMS_WORKERS": (2, int),
    "OMS_MAX_BODY_BYTES": (1024 * 1024, int),
    "OMS_API_KEY_CACHE_SECONDS": (5.0, float),
    "OMS_IDEMPOTENCY_WAIT_SECONDS": (5.0, float),
    "OMS_LOG_LEVEL": ("INFO", str),
    "OMS_PAGE_LIMIT": (50, int),
    "OMS_SECRET_KEY": ("", str),  # signs the admin session; empty: a key generated once per database
    "OMS_ADMIN_SECURE_COOKIES": (False, boolean),  # Secure cookies even when the request did not come over TLS
}
MAX_PAGE_LIMIT = 500
MAX_JSON_DEPTH = 64


class ConfigError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Settings:
    values: Mapping[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


def load_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """Each setting from ``overrides``, else the environment, else its default; a bad value names the setting."""
    overrides = overrides or {}
    values: dict[str, Any] = {}
    for name, (default, kind) in SETTINGS.items():
        raw = overrides.get(name, os.environ.get(name))
        if raw is None or raw == "":
            values[name] = default
            continue
        try:
            values[name] = kind(raw)
        except (TypeError, ValueError):
            raise ConfigError(f"{name}={raw!r}: must be {kind.__name__}") from None
        if kind in (int, float) and values[name] < 0:
            raise ConfigError(f"{name}={raw!r}: must not be negative")
    return Settings(values)


def is_loopback_bind(bind: str) -> bool:
    host = bind.rsplit(":", 1)[0].strip("[]") if ":" in bind else bind
    return host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.") or bind.startswith("unix:")
