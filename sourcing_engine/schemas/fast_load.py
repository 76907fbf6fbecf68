"""A schema's objects loaded without marshmallow's per-object machinery, when every field is plainly valid.

marshmallow costs 0.1-0.3 ms per object; a 1,000-source network with a
3,000-SKU catalogue spent most of a second there.  ``loader(SchemaClass)``
reads the schema's declared fields once and returns a function that checks
one object field by field — type, then the ranges, lengths and choices the
schema's own validators declare — and builds it through the schema's
``post_load``.  It accepts the objects the schema accepts, or fewer: on
anything it does not accept (a wrong type, a value out of bounds, an unknown
field, a validator or field kind it does not read, a schema-level validator)
it raises ``NotPlain``, and the caller loads the document with the schema,
which words the error as it always has.  So a bound added to a schema
applies here without a change, and no error message is decided here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any

from marshmallow import Schema, fields, missing, validate

from sourcing_engine.limits import MAX_ATTRIBUTES, attribute_problem, text_problem
from sourcing_engine.schemas.fields import AttributeValues, BoundedList, PrintableText, StrictFloat, StrictInteger


class NotPlain(Exception):
    """The object needs the schema's own loading (it may well be invalid)."""


Check = Callable[[Any], Any]


@cache
def loader(schema: type[Schema]) -> Check:
    hooks = {name for name, hook in schema._hooks.items() if hook}
    if hooks - {"post_load"}:
        return _always_slow
    checks = {name: _field_check(field) for name, field in schema._declared_fields.items()}
    if any(check is None for check in checks.values()) or any(
        f.data_key is not None or f.attribute is not None for f in schema._declared_fields.values()
    ):
        return _always_slow
    defaults = {name: field for name, field in schema._declared_fields.items()}
    makers = [getattr(schema, name) for name, *_ in schema._hooks.get("post_load", [])]
    instance = schema()

    def load_one(obj: Any) -> Any:
        if type(obj) is not dict or not obj.keys() <= checks.keys():
            raise NotPlain
        data = {}
        for name, check in checks.items():
            value = obj.get(name, missing)
            if value is missing:
                field = defaults[name]
                if field.required or field.load_default is missing:
                    if field.required:
                        raise NotPlain
                    continue
                data[name] = field.load_default() if callable(field.load_default) else field.load_default
            else:
                data[name] = check(value)  # type: ignore[misc]
        for make in makers:
            data = make(instance, data)
        return data

    return load_one


def _always_slow(obj: Any) -> Any:
    raise NotPlain


def _field_check(field: fields.Field) -> Check | None:
    base = _base_check(field)
    if base is None:
        return None
    if not field.allow_none:
        return base
    return lambda value: None if value is None else base(value)


def _base_check(field: fields.Field) -> Check | None:
    kind = type(field)
    if kind is fields.String:
        return _validated(field, _string)
    if kind is fields.Boolean:
        return _validated(field, _boolean) if field.truthy == {True} and field.falsy == {False} else None
    if kind in (fields.Integer, StrictInteger):  # a plain int is what both accept (never a bool or a string)
        return _validated(field, _integer) if field.strict else None
    if kind in (fields.Float, StrictFloat):
        return _validated(field, _float) if field.allow_nan is False else None
    if kind in (fields.List, BoundedList):
        inner = _field_check(field.inner)
        maximum = getattr(field, "maximum", None)
        return None if inner is None else _validated(field, lambda value: _list(value, inner, maximum))
    if kind is fields.Dict and field.value_field is None and type(field.key_field) is fields.String:
        if field.key_field.allow_none:
            return None
        key = _validated(field.key_field, _string)
        return None if key is None else _validated(field, lambda value: _string_keyed_dict(value, key))
    if kind is fields.Nested and isinstance(field.nested, type) and not field.many:
        nested = loader(field.nested)
        return None if nested is _always_slow else _validated(field, nested)
    return None


def _validated(field: fields.Field, convert: Check) -> Check | None:
    rules = [_rule(r) for r in field.validators]
    if any(rule is None for rule in rules):
        return None
    if not rules:
        return convert

    def check(value: Any) -> Any:
        out = convert(value)
        for rule in rules:
            if not rule(out):  # type: ignore[misc]
                raise NotPlain
        return out

    return check


def _rule(rule: validate.Validator) -> Callable[[Any], bool] | None:
    if isinstance(rule, validate.Range):
        low, high, low_in, high_in = rule.min, rule.max, rule.min_inclusive, rule.max_inclusive
        return lambda v: (
            (low is None or v > low or (low_in and v == low)) and (high is None or v < high or (high_in and v == high))
        )
    if isinstance(rule, validate.Length) and rule.equal is None:
        lo, hi = rule.min, rule.max
        return lambda v: (lo is None or len(v) >= lo) and (hi is None or len(v) <= hi)
    if isinstance(rule, validate.OneOf):
        choices = set(rule.choices)
        return lambda v: v in choices
    if isinstance(rule, PrintableText):
        most = rule.max_length
        return lambda v: (most is None or len(v) <= most) and text_problem(v) is None
    if isinstance(rule, AttributeValues):
        return lambda v: len(v) <= MAX_ATTRIBUTES and all(attribute_problem(item) is None for item in v.values())
    return None


def _string(value: Any) -> str:
    if type(value) is not str:
        raise NotPlain
    return value


def _boolean(value: Any) -> bool:
    if type(value) is not bool:
        raise NotPlain
    return value


def _integer(value: Any) -> int:
    if type(value) is not int:
        raise NotPlain
    return value


def _float(value: Any) -> float:
    if type(value) is not float and type(value) is not int:
        raise NotPlain
    try:
        number = float(value)
    except OverflowError:
        raise NotPlain from None
    if not math.isfinite(number):
        raise NotPlain
    return number


def _list(value: Any, inner: Check, maximum: int | None = None) -> list:
    if type(value) is not list or (maximum is not None and len(value) > maximum):
        raise NotPlain
    return [inner(v) for v in value]


def _string_keyed_dict(value: Any, key: Check) -> dict:
    if type(value) is not dict:
        raise NotPlain
    for name in value:
        key(name)
    return dict(value)
