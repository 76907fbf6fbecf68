"""A state machine drives random intakes, stock messages, fulfillment steps, package shipments, declines (in
store too), cancellations and restocks against a real database, and checks every invariant after every step
(one open ISPU request per order and packages that add up among them).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete, select

from oms.adapters import tables as t
from oms.errors import Conflict, InvalidInput, NotFound, Refused
from oms.service import fulfillment as ff
from oms.service.app import Oms
from oms.service.catalog import load_network, set_ruleset
from oms.service.inventory import update_stock
from oms.service.orders import cancel_order, flag_exceptions, place_order, release_hold, resource_waiting
from tests.oms.builders import network, order
from tests.oms.conftest import Clock
from tests.oms.fakes import FakeRules
from tests.oms.invariants import check_invariants

EXPECTED = (Refused, InvalidInput, NotFound, Conflict)  # refusals are fine; they must change nothing
SKUS = ["A", "B", "C", "V", "W"]
SOURCES = ["WH1", "WH2", "ST1", "ST2"]
CHANNELS = [
    {"code": "web", "sources": "*", "backorder_exception_days": 1},
    {"code": "vip", "sources": "*"},
    {"code": "whole", "sources": "*", "backorders": True},
]
line_specs = st.lists(st.tuples(st.sampled_from(SKUS), st.integers(1, 3), st.booleans()), min_size=1, max_size=3)


class OrderLifecycle(RuleBasedStateMachine):
    app: Oms
    clock: Clock

    @initialize()
    def fresh_network(self) -> None:
        with self.app.uow() as uow:
            for table in reversed(t.metadata.sorted_tables):
                if table is not t.catalog_state:
                    uow.session.execute(delete(table))
            uow.session.commit()
        self.app.compiled.clear()
        self.app.db.cache.clear()
        load_network(
            self.app,
            network(
                {
                    ("WH1", "A"): 3,
                    ("WH2", "A"): 2,
                    ("WH1", "B"): 2,
                    ("ST1", "A"): 2,
                    ("ST1", "B"): 1,
                    ("ST2", "C"): 1,
                    ("ST2", "A"): 1,
                    ("WH2", "W"): 2,
                },
                channels=CHANNELS,
            ),
        )
        set_ruleset(self.app, "vip", "review", "hold")
        set_ruleset(self.app, "whole", "complete", "partial-hold split-after-1")
        self.placed = 0

    def attempt(self, command, *args, **kw):  # type: ignore[no-untyped-def]
        try:
            return command(self.app, *args, **kw)
        except EXPECTED:
            return None

    def requests(self, *methods: str) -> list[int]:
        with self.app.uow(readonly=True) as uow:
            r = t.shipment_requests.c
            stmt = select(r.id).where(r.status.in_(["NEW", "ACKNOWLEDGED", "PICKING", "PACKED", "READY"]))
            if methods:
                stmt = stmt.where(r.method.in_(methods))
            return list(uow.session.scalars(stmt.order_by(r.id)))

    @rule(
        lines=line_specs,
        channel=st.sampled_from(["web", "web", "vip", "whole"]),
        pickup=st.sampled_from([None, None, "ST1", "ST2"]),
        preshipped=st.booleans(),
    )
    def place(self, lines, channel, pickup, preshipped) -> None:  # type: ignore[no-untyped-def]
        self.placed += 1
        specs = []
        for i, (sku, qty, bundled) in enumerate(lines):
            extra = {"bundle": "K"} if bundled else {}
            if preshipped and i == 0:
                extra = {"preshipped_source": "ST1"}
            specs.append((sku, qty, extra))
        placed = self.attempt(place_order, order(f"O{self.placed}", *specs, channel=channel, pickup=pickup))
        assert placed is not None, "a well-formed order on a known channel is always accepted"

    @rule(
        mode=st.sampled_from(["DELTA", "ADJUST", "NONZERO"]),
        source=st.sampled_from(SOURCES),
        sku=st.sampled_from(["A", "B", "C", "W"]),
        quantity=st.integers(-5, 4),
        reference=st.sampled_from([None, None, "R1", "R2"]),
    )
    def stock_message(self, mode, source, sku, quantity, reference) -> None:  # type: ignore[no-untyped-def]
        if mode != "ADJUST":
            quantity = abs(quantity)
        message = {"mode": mode, "source": source, "items": [{"sku": sku, "quantity": quantity}]}
        self.attempt(update_stock, {**message, "reference": reference})

    @rule(source=st.sampled_from(SOURCES), sku=st.sampled_from(["A", "B", "C"]), on_hand=st.integers(0, 3))
    def network_stock(self, source, sku, on_hand) -> None:  # type: ignore[no-untyped-def]
        """A stock-only network file: applied like a DELTA snapshot of sources already stored."""
        load_network(self.app, {"stock": [{"source": source, "sku": sku, "on_hand": on_hand}]})

    @precondition(lambda self: self.placed > 0)
    @rule(data=st.data(), step=st.sampled_from(["ack", "pick", "pack", "ship", "ship", "receive", "collect"]))
    def fulfil(self, data, step) -> None:  # type: ignore[no-untyped-def]
        ids = self.requests()
        if not ids:
            return
        request_id = data.draw(st.sampled_from(ids))
        commands = {
            "ack": ff.acknowledge,
            "pick": ff.pick,
            "pack": ff.pack,
            "receive": ff.receive,
            "collect": ff.collect,
        }
        if step == "ship":
            self.attempt(ff.ship, request_id, "DHL", f"T{request_id}")
        else:
            self.attempt(commands[step], request_id)

    @precondition(lambda self: self.placed > 0)
    @rule(data=st.data(), everything=st.booleans())
    def decline(self, data, everything) -> None:  # type: ignore[no-untyped-def]
        ids = self.requests("HOME", "STS", "ISPU")
        if ids:
            request_id = data.draw(st.sampled_from(ids))
            self.attempt(ff.decline, request_id, None if everything else {"1": 1})

    def open_units(self, request_id: int) -> list[str]:
        with self.app.uow(readonly=True) as uow:
            p = t.line_parts.c
            at_source = ["ALLOCATEDSHIP", "RECEIVEDBYLOGISTICS", "PICKCONFIRMED", "ITEM_PENDING_PICKING", "PICKREADY"]
            stmt = select(p.line_id).where(p.request_id == request_id, p.status.in_(at_source)).distinct()
            return sorted(uow.session.scalars(stmt))

    @precondition(lambda self: self.placed > 0)
    @rule(data=st.data(), quantity=st.sampled_from([None, 1, 2]))
    def ship_package(self, data, quantity) -> None:  # type: ignore[no-untyped-def]
        ids = self.requests("HOME", "STS")
        if not ids:
            return
        request_id = data.draw(st.sampled_from(ids))
        lines = self.open_units(request_id)
        if lines:
            chosen = data.draw(st.lists(st.sampled_from(lines), min_size=1, max_size=2, unique=True))
            self.attempt(ff.ship, request_id, "DHL", f"P{request_id}", lines=dict.fromkeys(chosen, quantity))

    @precondition(lambda self: self.placed > 0)
    @rule(data=st.data(), quantity=st.sampled_from([None, 1]))
    def decline_in_store(self, data, quantity) -> None:  # type: ignore[no-untyped-def]
        ids = self.requests("ISPU")
        if not ids:
            return
        request_id = data.draw(st.sampled_from(ids))
        lines = self.open_units(request_id)
        if lines:
            line = data.draw(st.sampled_from(lines))
            self.attempt(ff.decline, request_id, {line: quantity}, note="not on the shelf")

    @precondition(lambda self: self.placed > 0)
    @rule(data=st.data(), line=st.sampled_from([None, "1", "2"]), quantity=st.sampled_from([None, 1]))
    def cancel(self, data, line, quantity) -> None:  # type: ignore[no-untyped-def]
        number = data.draw(st.integers(1, self.placed))
        self.attempt(cancel_order, f"O{number}", None if line is None else {line: quantity})

    @rule(sku=st.sampled_from(["A", "B", "C"]), source=st.sampled_from(["WH1", "WH2", "ST1"]))
    def restock(self, sku, source) -> None:  # type: ignore[no-untyped-def]
        update_stock(self.app, {"mode": "ADJUST", "source": source, "items": [{"sku": sku, "quantity": 3}]})

    @precondition(lambda self: self.placed > 0)
    @rule(data=st.data())
    def release(self, data) -> None:  # type: ignore[no-untyped-def]
        self.attempt(release_hold, f"O{data.draw(st.integers(1, self.placed))}")

    @rule()
    def sourcing_wave(self) -> None:
        self.clock.advance(days=2)
        resource_waiting(self.app)
        flag_exceptions(self.app)

    @invariant()
    def everything_holds(self) -> None:
        if hasattr(self, "placed"):
            check_invariants(self.app)


EXAMPLES = {"sqlite": 50, "postgresql": 20}


@pytest.mark.slow
def test_random_order_lifecycles_keep_every_invariant(database_url: str, clock: Clock) -> None:
    app = Oms.connect(database_url, rules=FakeRules(), clock=clock)
    OrderLifecycle.app, OrderLifecycle.clock = app, clock
    examples = EXAMPLES["sqlite" if database_url.startswith("sqlite") else "postgresql"]
    try:
        run_state_machine_as_test(
            OrderLifecycle,
            settings=settings(
                max_examples=examples,
                stateful_step_count=30,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            ),
        )
    finally:
        app.db.dispose()
