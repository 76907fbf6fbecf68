"""The generated OpenAPI document, fuzzed in process by schemathesis with a valid admin key.

No generated input may get a 5xx, and every response must conform to the
document: a documented status, its content type and a body of its schema.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from oms.service.catalog import load_network
from oms.service.keys import create_key
from oms.service.orders import place_order
from tests.api.conftest import make_app
from tests.oms.builders import network, order

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def served(any_database_url: str) -> Any:
    app, oms = make_app(any_database_url)
    load_network(oms, network({("WH1", "A"): 50, ("WH2", "B"): 50}))
    place_order(oms, order("O1", ("A", 1), ("B", 2)))
    _, secret = create_key(oms, "admin")
    yield app, secret
    oms.db.dispose()


def test_no_generated_request_gets_a_server_error_and_every_response_conforms(served: Any) -> None:
    # Operations are walked here rather than with schemathesis' pytest plugin, which pytest 9 does not support.
    app, secret = served
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation, mode in [(op, mode) for op in operations for mode in GenerationMode]:

        @given(case=operation.as_strategy(mode))
        @settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def generated(case: Any) -> None:
            case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS)

        try:
            generated()
        except Unsatisfiable:  # no negative data exists for an operation without inputs
            assert mode == GenerationMode.NEGATIVE
        except Exception as err:
            raise AssertionError(f"{operation.label} ({mode} data): {err}") from err
