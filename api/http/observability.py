"""Request ids, structured JSON logs and Prometheus metrics.

Every request carries an id: the caller's ``X-Request-Id`` when it is sane
(1-128 visible ASCII characters), else a new one; it is echoed in the
response, written in the access log line and in every problem body.

Metrics use prometheus-client; under gunicorn they are aggregated across
worker processes through ``PROMETHEUS_MULTIPROC_DIR`` (``oms serve`` sets it).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUEST_ID = "X-Request-Id"
_SANE_ID = re.compile(r"^[\x21-\x7e]{1,128}$")
access_log = logging.getLogger("oms.http.access")

REQUESTS = Counter("oms_http_requests", "HTTP requests answered", ["route", "method", "status"])
LATENCY = Histogram(
    "oms_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["route", "method"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ORDERS_PLACED = Counter("oms_orders_placed", "Orders received at intake", ["channel", "outcome"])
SOURCING = Histogram(
    "oms_sourcing_duration_seconds",
    "Time the engine took to source an order",
    ["strategy", "path"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
)
OUTBOX_BACKLOG = Gauge("oms_outbox_backlog", "Events in the outbox not yet published", multiprocess_mode="max")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ("request_id", "method", "path", "route", "status", "duration_ms", "key_id"):
            if hasattr(record, name):
                doc[name] = getattr(record, name)
        if record.exc_info:
            doc["error"] = self.formatException(record.exc_info)
        return json.dumps(doc, default=str)


def configure_logging(level: str) -> None:
    """JSON lines on stderr for the service's loggers (once per process)."""
    logger = logging.getLogger("oms.http")
    if any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(level.upper())
    logger.propagate = False


def start_request() -> None:
    given = request.headers.get(REQUEST_ID, "")
    g.request_id = given if _SANE_ID.match(given) else uuid.uuid4().hex
    g.started = time.perf_counter()


def finish_request(response: Response) -> Response:
    response.headers[REQUEST_ID] = g.get("request_id", "")
    elapsed = time.perf_counter() - g.get("started", time.perf_counter())
    route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
    REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    LATENCY.labels(route, request.method).observe(elapsed)
    caller = g.get("caller")
    access_log.info(
        "request",
        extra={
            "request_id": g.get("request_id"),
            "method": request.method,
            "path": request.path,
            "route": route,
            "status": response.status_code,
            "duration_ms": round(elapsed * 1000, 2),
            "key_id": caller.key_id if caller is not None else None,
        },
    )
    return response


def metrics_response() -> Response:
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)


def register(app: Flask) -> None:
    configure_logging(app.config["OMS_LOG_LEVEL"])
    app.before_request(start_request)
    app.after_request(finish_request)
