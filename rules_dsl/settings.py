"""Settings as the engine reads them: from the settings block, then from the rules that set them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from rules_dsl import syntax as ast
from rules_dsl.formatter import format_setting
from rules_dsl.verdict import RuleSettings

FIELD_OF = {
    "split_penalty": "split_penalty",
    "max_shipments": "max_shipments",
    "time_limit": "time_limit",
    "partial": "partial",
    "bundles": "bundle_split_after",
}


def setting_value(setting: ast.Setting) -> object:
    """The engine's value of a checked setting."""
    value = setting.value
    if setting.name == "split_penalty":
        return float(value.value)  # type: ignore[union-attr, arg-type]
    if setting.name == "max_shipments":
        return int(value.value)  # type: ignore[union-attr, arg-type]
    if setting.name == "time_limit":
        return value.value.seconds  # type: ignore[union-attr]
    if setting.name == "partial":
        return value.word  # type: ignore[union-attr]
    if setting.name == "bundles":
        assert isinstance(value, ast.Word)
        return None if value.word == "together" else int(value.arg.value)  # type: ignore[union-attr, arg-type]
    raise ValueError(f"unknown setting {setting.name!r}")


def apply_settings(base: RuleSettings, settings: Iterable[ast.Setting]) -> RuleSettings:
    changes = {FIELD_OF[s.name]: setting_value(s) for s in settings}
    return dataclasses.replace(base, **changes)


def settings_from_block(settings: Iterable[ast.Setting]) -> RuleSettings:
    return apply_settings(RuleSettings(), settings)


def describe_setting(setting: ast.Setting) -> str:
    return format_setting(setting)
