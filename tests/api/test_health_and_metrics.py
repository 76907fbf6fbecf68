"""Probes and metrics: /healthz, /readyz, /metrics, /openapi.json and /docs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from oms.service.catalog import load_network
from tests.api.conftest import Client, make_app
from tests.oms.builders import network, order


def test_health_readiness_the_document_and_the_docs_page_need_no_key(app: Any) -> None:
    client = app.test_client()
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz").json
    assert ready["status"] == "ready" and ready["schema"]
    spec = client.get("/openapi.json").json
    assert spec["openapi"].startswith("3.1") and "/v1/orders" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert client.get("/docs").status_code == 200


def test_readiness_fails_with_503_on_a_database_never_migrated(tmp_path: Path) -> None:
    app, oms = make_app(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    try:
        response = app.test_client().get("/readyz")
        assert response.status_code == 503 and "oms db upgrade" in response.json["detail"]
    finally:
        oms.db.dispose()


def test_metrics_count_requests_and_orders_and_need_a_key_off_loopback(database_url: str) -> None:
    app, oms = make_app(database_url, OMS_BIND="0.0.0.0:8000")
    try:
        from oms.service.keys import create_key

        load_network(oms, network({("WH1", "A"): 5}))
        _, secret = create_key(oms, "readonly")
        _, intake = create_key(oms, "integration")
        Client(app.test_client(), intake).post("/v1/orders", json=order("M1", ("A", 1)))
        assert app.test_client().get("/metrics").status_code == 401
        text = Client(app.test_client(), secret).get("/metrics").get_data(as_text=True)
        assert 'oms_http_requests_total{method="POST",route="/v1/orders",status="201"}' in text
        assert 'oms_orders_placed_total{channel="web",outcome="created"}' in text
        assert "oms_http_request_duration_seconds_bucket" in text
        assert "oms_sourcing_duration_seconds_count" in text and "oms_outbox_backlog" in text
    finally:
        oms.db.dispose()


def test_metrics_are_open_when_the_service_is_bound_to_loopback(app: Any) -> None:
    assert app.test_client().get("/metrics").status_code == 200


def test_every_request_has_one_json_access_line_with_its_request_id(app: Any, caplog: Any) -> None:
    import json
    import logging

    from api.http.observability import JsonFormatter

    with caplog.at_level(logging.INFO, logger="oms.http.access"):
        app.test_client().get("/healthz", headers={"X-Request-Id": "abc-1"})
    [record] = [r for r in caplog.records if r.name == "oms.http.access"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "abc-1" and line["status"] == 200 and line["route"] == "/healthz"
    assert line["method"] == "GET" and line["level"] == "info" and line["duration_ms"] >= 0
