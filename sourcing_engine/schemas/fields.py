"""Field builders with the contract's error wording, and marshmallow errors as JSON paths."""

from __future__ import annotations

import math
import sys
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from sourcing_engine.errors import InputError
from sourcing_engine.limits import (
    MAX_ATTRIBUTES,
    MAX_ID_LENGTH,
    attribute_problem,
    text_problem,
)

MESSAGES = {
    "required": "missing required field",
    "null": "must not be null",
    "invalid": "has the wrong type",
}
CAPABILITIES = ("ship", "pickup", "ship_to_store", "returns")


def text(max_length: int | None = None, **kw: Any) -> fields.String:
    """A string (of at most ``max_length`` characters), without NUL, control characters or lone surrogates."""
    return fields.String(
        validate=[PrintableText(max_length), *_as_list(kw.pop("validate", None))],
        error_messages={**MESSAGES, "invalid": "must be a string"},
        **kw,
    )


def code(**kw: Any) -> fields.String:
    """An identifier: 1 to 64 characters (the OMS's columns), printable."""
    return text(MAX_ID_LENGTH, validate=validate.Length(min=1, error="must not be empty"), **kw)


def integer(
    minimum: int | None = None,
    message: str = "must be an integer",
    maximum: int | None = None,
    **kw: Any,
) -> fields.Integer:
    checks = []
    if minimum is not None:
        checks.append(validate.Range(min=minimum, error=message))
    if maximum is not None:  # its own message: the bound, not the kind of number
        checks.append(validate.Range(max=maximum, error=f"must be at most {maximum:,}"))
    return StrictInteger(strict=True, validate=checks, error_messages={**MESSAGES, "invalid": message}, **kw)


def number(
    minimum: float | None = None, maximum: float | None = None, message: str = "must be a number", **kw: Any
) -> fields.Float:
    """A finite JSON number (never a string such as "50"), optionally within [minimum, maximum]."""
    rng = validate.Range(min=minimum, max=maximum, error=message) if (minimum, maximum) != (None, None) else None
    return StrictFloat(
        validate=rng, allow_nan=False, error_messages={**MESSAGES, "invalid": message, "special": message}, **kw
    )


def attributes(**kw: Any) -> fields.Dict:
    """The merchant's own data: at most 100 names of 1 to 64 characters, each a text, number, bool or list."""
    return fields.Dict(
        keys=code(),
        validate=AttributeValues(),
        error_messages={**MESSAGES, "invalid": "must be an object"},
        load_default=dict,
        **kw,
    )


def boolean(**kw: Any) -> fields.Boolean:
    return fields.Boolean(
        truthy={True}, falsy={False}, error_messages={**MESSAGES, "invalid": "must be true or false"}, **kw
    )


def listing(inner: fields.Field, maximum: int | None = None, **kw: Any) -> fields.List:
    """A list, of at most ``maximum`` items when given (checked before any item is)."""
    return BoundedList(inner, maximum, error_messages={**MESSAGES, "invalid": "must be a list"}, **kw)


def nested(schema: type[Schema], **kw: Any) -> fields.Nested:
    return fields.Nested(schema, error_messages={**MESSAGES, "type": "must be an object"}, **kw)


def choice(*choices: str, **kw: Any) -> fields.String:
    return text(validate=validate.OneOf(choices, error=f"must be one of {', '.join(choices)}"), **kw)


class PrintableText(validate.Validator):
    """At most ``max_length`` characters, none of them NUL, a control character or a lone surrogate."""

    def __init__(self, max_length: int | None) -> None:
        self.max_length = max_length

    def __call__(self, value: str) -> str:
        if self.max_length is not None and len(value) > self.max_length:
            raise ValidationError(f"must be at most {self.max_length} characters")
        problem = text_problem(value)
        if problem is not None:
            raise ValidationError(problem)
        return value


class AttributeValues(validate.Validator):
    def __call__(self, value: dict) -> dict:
        if len(value) > MAX_ATTRIBUTES:
            raise ValidationError(f"must hold at most {MAX_ATTRIBUTES} attributes")
        problems = {name: [p] for name, item in value.items() if (p := attribute_problem(item)) is not None}
        if problems:
            raise ValidationError(problems)
        return value


class StrictInteger(fields.Integer):
    """An integer written as a JSON integer: not true/false, not a string."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool | str):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictFloat(fields.Float):
    """A finite number written as a JSON number: not true/false, not a string, not an integer beyond any float."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool | str) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        if isinstance(value, int) and abs(value) > sys.float_info.max:
            raise self.make_error("special")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.make_error("special")
        return super()._deserialize(value, attr, data, **kwargs)


class BoundedList(fields.List):
    """A list whose length is checked before its items, so a huge list costs one message, not millions."""

    def __init__(self, inner: fields.Field, maximum: int | None, **kw: Any) -> None:
        super().__init__(inner, **kw)
        self.maximum = maximum

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if self.maximum is not None and isinstance(value, list) and len(value) > self.maximum:
            raise ValidationError(f"must hold at most {self.maximum} items")
        return super()._deserialize(value, attr, data, **kwargs)


def _as_list(checks: Any) -> list:
    if checks is None:
        return []
    return list(checks) if isinstance(checks, list | tuple) else [checks]


class Strict(Schema):
    class Meta:
        unknown = RAISE


def load(schema: Schema, doc: Any) -> Any:
    if not isinstance(doc, dict):
        raise InputError("", "must be a JSON object")
    try:
        return schema.load(doc)
    except ValidationError as err:
        path, message = first_error(err.messages)
        raise InputError(path, message) from None


def first_error(messages: Any, path: str = "") -> tuple[str, str]:
    """The first (path, message) of marshmallow's nested error dict, as ``lines[2].quantity``."""
    return error_paths(messages, path)[0]


def error_paths(messages: Any, path: str = "") -> list[tuple[str, str]]:
    """Every (path, message) of marshmallow's nested error dict, list items first, fields by name."""
    if isinstance(messages, list):
        out: list[tuple[str, str]] = []
        for item in messages:
            out += error_paths(item, path) if isinstance(item, dict | list) else [(path, _wording(str(item)))]
        return out
    if isinstance(messages, dict):
        out = []
        for key in sorted(messages, key=lambda k: (isinstance(k, str), k if isinstance(k, str) else f"{k:08d}")):
            if isinstance(key, int):
                sub = f"{path}[{key}]"
            elif key == "_schema":
                sub = path
            else:
                sub = f"{path}.{key}" if path else key
            out += error_paths(messages[key], sub)
        return out
    return [(path, _wording(str(messages)))]


def _wording(message: str) -> str:
    if message == "Unknown field.":
        return "unknown field"
    return message[:1].lower() + message[1:].rstrip(".") if message else message
