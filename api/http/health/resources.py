"""Probes and metrics: ``/healthz`` (the process answers), ``/readyz`` (the database is reachable and its
schema current), ``/metrics`` (Prometheus; needs a key unless the service is bound to loopback only)."""

from __future__ import annotations

import logging

from flask import Response, current_app, jsonify
from marshmallow import fields

from api.http.auth import caller
from api.http.config import is_loopback_bind
from api.http.extensions import Blueprint, Schema, current_oms
from api.http.observability import OUTBOX_BACKLOG, metrics_response
from api.http.problems import problem
from oms.adapters.migrate import current_revision, head_revision
from oms.service.views import outbox_backlog

log = logging.getLogger("oms.http.error")
blp = Blueprint("health", __name__, description="Probes and metrics")


class HealthSchema(Schema):
    status = fields.String(required=True)


class ReadySchema(Schema):
    status = fields.String(required=True)
    schema = fields.String(required=True, metadata={"description": "the database's schema revision"})


@blp.route("/healthz")
@blp.doc(security=[])
@blp.response(200, HealthSchema)
def healthz() -> Response:
    """The process is up."""
    return jsonify(status="ok")


@blp.route("/readyz")
@blp.doc(security=[])
@blp.response(200, ReadySchema)
def readyz() -> Response:
    """The database answers and its schema is at the revision this code expects."""
    db = current_oms().db
    try:
        current, head = current_revision(db), head_revision(db)
    except Exception as err:  # any failure to reach the database means "not ready", never a 500
        return problem(503, "unavailable", f"database unreachable: {type(err).__name__}")
    if current != head:
        return problem(
            503, "unavailable", f"database schema is {current or 'empty'}, expected {head}: run `oms db upgrade`"
        )
    return jsonify(status="ready", schema=current)


@blp.route("/metrics")
@blp.doc(security=[{"bearerAuth": []}, {}])
@blp.response(200, content_type="text/plain", description="Prometheus text format")
def metrics() -> Response:
    """Prometheus metrics (text format)."""
    if not is_loopback_bind(current_app.config["OMS_BIND"]):
        caller()  # 401 without a valid key
    try:
        OUTBOX_BACKLOG.set(outbox_backlog(current_oms()))
    except Exception:  # metrics must answer even while the database does not; /readyz reports that
        log.warning("outbox backlog unavailable", exc_info=True)
    return metrics_response()
