"""The framework pieces other resources build on: ETag/If-Match edits, and `oms serve` under gunicorn."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from typing import Any

import pytest
from flask.views import MethodView
from marshmallow import fields

from api.http.auth import requires
from api.http.extensions import Blueprint, Schema
from tests.api.conftest import Client, make_app

THING = "/v1/test-things/one"


class ThingSchema(Schema):
    name = fields.String(required=True)


def etag_app(database_url: str) -> Any:
    """The application with a small edited resource, written the way catalog resources are."""
    app, oms = make_app(database_url)
    blp = Blueprint("test_things", __name__, url_prefix="/v1/test-things")
    stored = {"name": "first"}

    @blp.route("/one")
    class Thing(MethodView):
        @requires("merchant")
        @blp.etag
        @blp.response(200, ThingSchema)
        def get(self) -> Any:
            return stored

        @requires("merchant")
        @blp.etag
        @blp.arguments(ThingSchema)
        @blp.response(200, ThingSchema)
        def put(self, args: dict) -> Any:
            blp.check_etag(stored, ThingSchema)
            stored.update(args)
            return stored

    app.extensions["oms_api"].register_blueprint(blp)
    return app, oms


def test_an_edit_needs_the_current_etag_428_without_it_and_412_when_stale(database_url: str) -> None:
    from oms.service.keys import create_key

    app, oms = etag_app(database_url)
    try:
        client = Client(app.test_client(), create_key(oms, "merchant")[1])
        first = client.get(THING)
        etag = first.headers["ETag"]
        missing = client.put(THING, json={"name": "second"})
        assert missing.status_code == 428 and missing.json["type"] == "urn:oms:problem:precondition-required"
        done = client.put(THING, json={"name": "second"}, headers={"If-Match": etag})
        assert done.status_code == 200 and done.headers["ETag"] != etag
        stale = client.put(THING, json={"name": "third"}, headers={"If-Match": etag})
        assert stale.status_code == 412 and stale.headers["Content-Type"] == "application/problem+json"
        assert client.get(THING).json == {"name": "second"}
    finally:
        oms.db.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read().decode()


@pytest.mark.slow
def test_oms_serve_runs_the_api_under_gunicorn_with_metrics_summed_over_workers(database_url: str) -> None:
    port = free_port()
    env = {**os.environ, "OMS_DATABASE_URL": database_url}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "api", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(port, "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "oms serve did not start"
            time.sleep(0.2)
        for _ in range(6):
            assert get(port, "/healthz") == (200, '{"status":"ok"}\n') or get(port, "/healthz")[0] == 200
        status, text = get(port, "/metrics")
        assert status == 200
        served = [
            ln for ln in text.splitlines() if ln.startswith('oms_http_requests_total{method="GET",route="/healthz"')
        ]
        assert served and sum(float(ln.rsplit(" ", 1)[1]) for ln in served) >= 6
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_oms_serve_refuses_a_database_that_was_never_upgraded(tmp_path: Any) -> None:
    env = {**os.environ, "OMS_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite'}"}
    done = subprocess.run([sys.executable, "-m", "api", "serve"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "oms db upgrade" in done.stderr
