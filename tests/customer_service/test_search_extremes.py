"""Any search term, however extreme (NUL, lone surrogates, huge strings), is answered or refused by name."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oms.errors import InvalidInput
from oms.service.app import Oms
from oms.service.catalog import load_network
from oms.service.listing import OrderFilter, list_orders
from oms.service.orders import place_order
from tests.oms.builders import network, order

TERMS = ("order_id", "name", "email", "phone", "postcode", "reason", "type")
EXTREME = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20).map(lambda s: s + "\x00"),
    st.just("\ud800"),
    st.just("a\udfff"),
    st.text(min_size=1, max_size=3).map(lambda s: s * 5000),
    st.sampled_from(["%", "_", "\\", "' OR 1=1 --", "Zoë", "0", "+49 (0)", "\u00a0", "\u200b"]),
)


@pytest.fixture
def shop(app: Oms) -> Oms:
    load_network(app, network({("WH1", "A"): 5}))
    place_order(app, order("O1", ("A", 1), customer={"first_name": "Zoë", "last_name": "Müller", "phone": "123"}))
    return app


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(term=st.sampled_from(TERMS), value=EXTREME)
def test_an_extreme_search_term_is_answered_or_refused_naming_it(shop: Oms, term: str, value: str) -> None:
    try:
        page = list_orders(shop, OrderFilter(**{term: value}))
    except InvalidInput as err:
        assert [e.path for e in err.errors] == [term]
    else:
        assert all(item["order_id"] == "O1" for item in page.items)
