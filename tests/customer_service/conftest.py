"""The OMS fixtures (an OMS per database, a clock) for the customer-service tests."""

from tests.oms.conftest import _drop_pg_template, app, clock, database_url  # noqa: F401
