"""Idempotency-Key: replay, reuse with another body, and eight twins at once (one effect, one answer)."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import func, select

from oms.adapters import tables as t
from oms.service.catalog import load_network
from oms.service.keys import create_key
from oms.service.views import stock_view
from tests.api.conftest import Client, make_app
from tests.oms.builders import network, order
from tests.oms.invariants import check_invariants

ORDERS = "/v1/orders"
STOCK_MESSAGES = "/v1/stock-messages"


def count(oms: Any, table: Any) -> int:
    with oms.uow(readonly=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(table))


def test_the_same_key_and_body_replays_the_first_response(api: Client, oms: Any) -> None:
    load_network(oms, network({("WH1", "A"): 5}))
    first = api.post(ORDERS, json=order("O1", ("A", 1)), headers={"Idempotency-Key": "k-1"})
    again = api.post(ORDERS, json=order("O1", ("A", 1)), headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.json["created"] is True  # the first answer, not "already placed"
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers


def test_a_replayed_stock_message_is_applied_once(api: Client, oms: Any) -> None:
    load_network(oms, network({("WH1", "A"): 5}))
    message = {"mode": "ADJUST", "source": "WH1", "items": [{"sku": "A", "quantity": 3}]}
    for _ in range(3):
        response = api.post(STOCK_MESSAGES, json=message, headers={"Idempotency-Key": "adjust-1"})
        assert response.status_code == 200 and response.json["changed"] == 1
    assert stock_view(oms, "A")["rows"][0]["on_hand"] == 8


def test_the_same_key_with_another_body_is_422(api: Client, oms: Any) -> None:
    load_network(oms, network({("WH1", "A"): 5}))
    api.post(ORDERS, json=order("O1", ("A", 1)), headers={"Idempotency-Key": "k-1"})
    other = api.post(ORDERS, json=order("O2", ("A", 1)), headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 422
    assert other.json["type"] == "urn:oms:problem:idempotency-key-reused"
    assert api.get(f"{ORDERS}/web/O2").status_code == 404


def test_keys_of_different_callers_never_meet(api: Client, as_role: Any, oms: Any) -> None:
    load_network(oms, network({("WH1", "A"): 5}))
    api.post(ORDERS, json=order("O1", ("A", 1)), headers={"Idempotency-Key": "shared"})
    theirs = as_role("integration").post(ORDERS, json=order("O2", ("A", 1)), headers={"Idempotency-Key": "shared"})
    assert theirs.status_code == 201 and theirs.json["order_id"] == "O2"


def test_a_request_that_failed_without_effect_may_be_sent_again_under_its_key(api: Client, oms: Any) -> None:
    load_network(oms, network({("WH1", "A"): 5}))
    bad = api.post(ORDERS, json={"id": "O1"}, headers={"Idempotency-Key": "k-2"})
    assert bad.status_code == 422 and count(oms, t.idempotency_keys) == 0
    assert api.post(ORDERS, json={"id": "O1"}, headers={"Idempotency-Key": "k-2"}).status_code == 422


def test_a_malformed_key_is_400(api: Client, oms: Any) -> None:
    load_network(oms, network({("WH1", "A"): 5}))
    for key in ("", "with space", "x" * 256, "é"):
        response = api.post(ORDERS, json=order("O1", ("A", 1)), headers={"Idempotency-Key": key})
        assert response.status_code == 400, key


def test_eight_twins_posting_one_key_at_once_take_effect_once_and_get_one_answer(any_database_url: str) -> None:
    app, oms = make_app(any_database_url, OMS_IDEMPOTENCY_WAIT_SECONDS=60)  # twins wait, however busy the machine
    try:
        load_network(oms, network({("WH1", "A"): 100}))
        _, secret = create_key(oms, "integration")
        message = {"mode": "ADJUST", "source": "WH1", "items": [{"sku": "A", "quantity": 1}]}
        answers: list[tuple[int, Any]] = []
        start = threading.Barrier(8)

        def twin() -> None:
            client = Client(app.test_client(), secret)
            start.wait()
            response = client.post(STOCK_MESSAGES, json=message, headers={"Idempotency-Key": "wave-1"})
            answers.append((response.status_code, response.json))

        threads = [threading.Thread(target=twin) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [status for status, _ in answers] == [200] * 8, [b.get("detail") for _, b in answers]
        assert all(body == answers[0][1] for _, body in answers)
        assert stock_view(oms, "A")["rows"][0]["on_hand"] == 101  # one effect
        assert count(oms, t.idempotency_keys) == 1
    finally:
        oms.db.dispose()


def test_eight_twins_placing_one_order_under_one_key_place_it_once(any_database_url: str) -> None:
    app, oms = make_app(any_database_url, OMS_IDEMPOTENCY_WAIT_SECONDS=60)
    try:
        load_network(oms, network({("WH1", "A"): 100}))
        _, secret = create_key(oms, "integration")
        answers: list[tuple[int, Any]] = []
        start = threading.Barrier(8)

        def twin() -> None:
            client = Client(app.test_client(), secret)
            start.wait()
            response = client.post(ORDERS, json=order("T1", ("A", 3)), headers={"Idempotency-Key": "order-T1"})
            answers.append((response.status_code, response.json))

        threads = [threading.Thread(target=twin) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [status for status, _ in answers] == [201] * 8, answers
        assert all(body == answers[0][1] for _, body in answers)
        assert stock_view(oms, "A")["rows"][0]["reserved"] == 3
        check_invariants(oms)
    finally:
        oms.db.dispose()


def test_eight_clients_posting_orders_for_scarce_stock_never_oversell(any_database_url: str) -> None:
    app, oms = make_app(any_database_url)
    try:
        load_network(oms, network({("WH1", "A"): 6, ("WH2", "A"): 6}, channels=[{"code": "web", "backorders": False}]))
        _, secret = create_key(oms, "integration")
        docs = [order(f"S{i}", ("A", 1 + i % 2)) for i in range(16)]  # 24 units asked for, 12 in stock

        def post(share: list[dict]) -> list[int]:
            client = Client(app.test_client(), secret)
            return [client.post(ORDERS, json=doc).status_code for doc in share]

        threads, results = [], []
        for n in range(8):
            threads.append(threading.Thread(target=lambda n=n: results.append(post(docs[n::8]))))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(s for r in results for s in r) == [201] * 16
        rows = stock_view(oms, "A")["rows"]
        assert sum(r["reserved"] for r in rows) == 12 and all(r["reserved"] <= r["on_hand"] for r in rows)
        check_invariants(oms)
    finally:
        oms.db.dispose()
