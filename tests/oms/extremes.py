"""Extreme values for property tests of the OMS's doors, and a fingerprint of everything stored.

``bad_*`` strategies draw (JSON path, value) pairs that no bound allows, so
the door must refuse them and name that path; ``extreme`` draws anything
(valid or not) for tests that only demand "no crash, and nothing stored on
refusal".
"""

from __future__ import annotations

import copy
import re
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import func, select

from oms.adapters import tables as t
from oms.service.app import Oms

HUGE_INTS = [2**31 - 1, 2**31, 2**63 - 1, 2**63, -(2**63), 10**23, 9223372036854775807]
FLOATS = [1e23, 1e308, -1e308, 1e-7, float("nan"), float("inf"), 1.5]
BROKEN_TEXTS = ["\x00", "A\x00B", "\ud800", "x\udfff"]
EXTREME_TEXTS = [*BROKEN_TEXTS, "", " ", "\n", "x" * 65, "x" * 121, "x" * 201, "x" * 10_000, "ü" * 64, "0"]

extreme = st.one_of(
    st.sampled_from([0, -1, 1, *HUGE_INTS]),
    st.sampled_from(FLOATS),
    st.sampled_from(EXTREME_TEXTS),
    st.integers(),
    st.text(max_size=70),
    st.none(),
    st.booleans(),
    st.sampled_from([[], {}, [[[]]], {"a": {"b": "\x00"}}]),
)


def too_long(limit: int) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(BROKEN_TEXTS), st.integers(limit + 1, limit + 300).map(lambda n: "x" * n))


def not_a_count(high: int) -> st.SearchStrategy[Any]:
    """Values no quantity between 1 and ``high`` allows."""
    return st.one_of(
        st.sampled_from([0, -1, -(2**63), 1.5, 1e23, "5", True, None]),
        st.integers(high + 1, 2**70),
    )


def not_a_number() -> st.SearchStrategy[Any]:
    return st.sampled_from(["50", "", "1e3", True, [], {}])


def set_path(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``doc`` with ``value`` at ``path`` (``lines[0].sku``, ``delivery.address.lat``)."""
    out = copy.deepcopy(doc)
    keys = [int(k) if k.isdigit() else k for k in re.findall(r"[^.\[\]]+", path)]
    node: Any = out
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value
    return out


def fingerprint(app: Oms) -> tuple:
    """Row counts of every table, every stock row and the catalog version: equal before and after = nothing stored."""
    with app.uow(readonly=True) as uow:
        s = uow.session
        counts = tuple(
            (table.name, s.scalar(select(func.count()).select_from(table))) for table in t.metadata.sorted_tables
        )
        stock = tuple(tuple(r) for r in s.execute(select(t.stock).order_by(t.stock.c.source, t.stock.c.sku)))
        version = s.scalar(select(t.catalog_state.c.version))
    return counts, stock, version
