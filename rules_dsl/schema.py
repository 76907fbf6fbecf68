"""The fields a rule can read, their types, and the settings a rule can set.

``when`` reads the order and its lines; ``where`` reads the sources too, plus
``distance_km`` (source to destination) and ``available`` (the line's SKU at
the source).  ``attributes.NAME`` are the merchant's own and may hold anything.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

FieldType = Literal["text", "number", "integer", "bool", "datetime", "list", "any"]
Scope = Literal["order", "line", "source"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: FieldType
    scope: Scope
    values: tuple[str, ...] = ()  # a closed set of values, where there is one
    doc: str = ""


_SPECS = [
    FieldSpec("order.id", "text", "order", doc="the order's id"),
    FieldSpec("order.channel", "text", "order", doc="where the order came from: web, store, pos, marketplace..."),
    FieldSpec("order.created_at", "datetime", "order", doc="when the order was placed"),
    FieldSpec("order.total", "number", "order", doc="sum of quantity × unit price over the lines"),
    FieldSpec("order.line_count", "integer", "order", doc="number of lines"),
    FieldSpec("order.delivery.method", "text", "order", ("ship", "pickup"), "home delivery or pickup in store"),
    FieldSpec("order.delivery.pickup_source", "text", "order", doc="code of the pickup store"),
    FieldSpec("order.delivery.address.country", "text", "order", doc="destination country (the pickup store's)"),
    FieldSpec("order.delivery.address.postcode", "text", "order", doc="destination postcode (the pickup store's)"),
    FieldSpec("line.id", "text", "line", doc="the line's id"),
    FieldSpec("line.sku", "text", "line", doc="the product's SKU"),
    FieldSpec("line.quantity", "integer", "line", doc="units ordered"),
    FieldSpec("line.unit_price", "number", "line", doc="price of one unit"),
    FieldSpec("line.bundle", "text", "line", doc="bundle id shared by the lines of a bundle"),
    FieldSpec("line.product.type", "text", "line", ("physical", "virtual"), "physical or virtual"),
    FieldSpec("line.product.tags", "list", "line", doc="the product's tags: fragile, hazardous, bulky..."),
    FieldSpec("source.code", "text", "source", doc="the source's code"),
    FieldSpec("source.name", "text", "source", doc="the source's name"),
    FieldSpec("source.type", "text", "source", ("warehouse", "store", "dropship"), "warehouse, store or dropship"),
    FieldSpec("source.priority", "integer", "source", doc="lower is preferred by the priority strategy"),
    FieldSpec("source.tags", "list", "source", doc="the source's tags"),
    FieldSpec("source.capabilities", "list", "source", doc="ship, pickup, ship_to_store, ..."),
    FieldSpec("source.location.country", "text", "source", doc="the source's country"),
    FieldSpec("source.location.postcode", "text", "source", doc="the source's postcode"),
    FieldSpec("distance_km", "number", "source", doc="km from the source to the destination"),
    FieldSpec("available", "integer", "source", doc="units of the line's SKU available at the source"),
]
FIELDS: dict[str, FieldSpec] = {spec.name: spec for spec in _SPECS}
ATTRIBUTE_PREFIXES: dict[str, Scope] = {
    "order.attributes": "order",
    "line.attributes": "line",
    "line.product.attributes": "line",
    "source.attributes": "source",
}
PER_LINE_SOURCE_FIELDS = frozenset({"available"})


def lookup(name: str) -> FieldSpec | None:
    spec = FIELDS.get(name)
    if spec is not None:
        return spec
    prefix, _, attribute = name.rpartition(".")
    scope = ATTRIBUTE_PREFIXES.get(prefix)
    if scope is not None and attribute:
        return FieldSpec(name, "any", scope, doc="the merchant's own attribute")
    return None


def unknown_field_message(name: str) -> str:
    for prefix in ATTRIBUTE_PREFIXES:
        if name == prefix:
            return f"'{name}' needs an attribute name: {prefix}.NAME"
        if name.startswith(prefix + "."):
            return f"unknown field '{name}': an attribute has a single name, {prefix}.NAME"
    completions = [f for f in FIELDS if f.startswith(name + ".")]
    if completions:
        return f"'{name}' is not a value; did you mean '{completions[0]}'?"
    head, _, tail = name.partition(".")
    # the right last part under the right first part is the likeliest meaning: line.tags, source.country
    same_ends = [f for f in FIELDS if f.startswith(head + ".") and f.rsplit(".", 1)[-1] == name.rsplit(".", 1)[-1]]
    candidates = list(FIELDS) + [f"{p}.NAME" for p in ATTRIBUTE_PREFIXES]
    close = same_ends[:1] if tail and same_ends else difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown field '{name}'{hint}"


def did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""


@dataclass(frozen=True, slots=True)
class SettingSpec:
    name: str
    doc: str
    words: tuple[str, ...] = ()  # for settings spelled as words


SETTINGS: dict[str, SettingSpec] = {
    spec.name: spec
    for spec in [
        SettingSpec("split_penalty", "money added to the cost of each shipment beyond the first"),
        SettingSpec("max_shipments", "most shipments an order may be split into"),
        SettingSpec("time_limit", "how long the optimizer may search, e.g. 500ms"),
        SettingSpec(
            "partial", "ship what is available now, or hold the order until it can ship complete", ("ship", "hold")
        ),
        SettingSpec(
            "bundles", "keep bundles in one shipment, or let them split after N attempts", ("together", "split_after")
        ),
    ]
}
