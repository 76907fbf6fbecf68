"""Field builders with the contract's error wording, and marshmallow errors as JSON paths."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from sourcing_engine.errors import InputError

MESSAGES = {
    "required": "missing required field",
    "null": "must not be null",
    "invalid": "has the wrong type",
}
CAPABILITIES = ("ship", "pickup", "ship_to_store", "returns")


def text(**kw: Any) -> fields.String:
    return fields.String(error_messages={**MESSAGES, "invalid": "must be a string"}, **kw)


def code(**kw: Any) -> fields.String:
    return text(validate=validate.Length(min=1, error="must not be empty"), **kw)


def integer(minimum: int | None = None, message: str = "must be an integer", **kw: Any) -> fields.Integer:
    rng = validate.Range(min=minimum, error=message) if minimum is not None else None
    return fields.Integer(strict=True, validate=rng, error_messages={**MESSAGES, "invalid": message}, **kw)


def number(
    minimum: float | None = None, maximum: float | None = None, message: str = "must be a number", **kw: Any
) -> fields.Float:
    rng = validate.Range(min=minimum, max=maximum, error=message) if minimum is not None else None
    return fields.Float(
        validate=rng, allow_nan=False, error_messages={**MESSAGES, "invalid": message, "special": message}, **kw
    )


def boolean(**kw: Any) -> fields.Boolean:
    return fields.Boolean(
        truthy={True}, falsy={False}, error_messages={**MESSAGES, "invalid": "must be true or false"}, **kw
    )


def listing(inner: fields.Field, **kw: Any) -> fields.List:
    return fields.List(inner, error_messages={**MESSAGES, "invalid": "must be a list"}, **kw)


def nested(schema: type[Schema], **kw: Any) -> fields.Nested:
    return fields.Nested(schema, error_messages={**MESSAGES, "type": "must be an object"}, **kw)


def choice(*choices: str, **kw: Any) -> fields.String:
    return text(validate=validate.OneOf(choices, error=f"must be one of {', '.join(choices)}"), **kw)


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
