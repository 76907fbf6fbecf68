"""Line and service-line ids of the wrong type are reported by name, never a crash of the money checks."""

from __future__ import annotations

import pytest

from oms.intake_money import money_problems

LINE = {"sku": "A", "quantity": 1, "unit_price": 1}


@pytest.mark.parametrize("bad", [["x"], {"a": 1}, 7, None])
def test_an_id_that_is_not_text_is_named_and_a_clash_of_text_ids_still_found(bad) -> None:
    doc = {
        "lines": [{**LINE, "id": bad}, {**LINE, "id": "x"}],
        "service_lines": [{"id": bad, "amount": "1"}, {"id": "x", "amount": "1"}],
    }
    problems = {(e.path, e.message) for e in money_problems(doc, None)}
    assert ("service_lines[1].id", "'x' is already the id of a line") in problems
