"""The money invariant under random post-sales sequences, exact splits, extreme amounts, concurrent requests."""

from __future__ import annotations

import contextlib
import math
import shutil
import tempfile
import threading
import uuid
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import func, select

from oms.adapters import tables as t
from oms.domain.money import MAX_MONEY, allocate, amount_problem, share, to_amount
from oms.errors import IllegalTransition, InvalidInput, NotFound, Refused
from oms.service import refunds as rf
from oms.service import returns as rt
from oms.service.app import Oms
from oms.service.exchanges import ExchangeLine, ExchangeRequest, create_exchange
from tests.oms.conftest import Clock
from tests.oms.fakes import FakeRules
from tests.oms.post_sales_support import line_money, setup_shipped, ship_all

CENTS = st.integers(0, 10**11).map(lambda c: Decimal(c).scaleb(-2))
LINES = [
    {"id": "1", "sku": "A", "quantity": 3, "unit_price": "10.00", "discount": "1.01", "tax": "1.90"},
    {"id": "2", "sku": "B", "quantity": 2, "unit_price": "0.05"},
]
SERVICE = [{"id": "S1", "type": "shipping", "amount": "4.95", "tax": "0.79"}]


@given(paid=CENTS, cuts=st.lists(st.integers(1, 40), min_size=1, max_size=8))
def test_the_refunds_of_any_split_of_a_line_sum_exactly_to_what_was_paid(paid, cuts):
    quantity = sum(cuts)
    done, parts = 0, []
    for units in cuts:
        parts.append(share(paid, done + units, quantity, "EUR") - share(paid, done, quantity, "EUR"))
        done += units
    assert sum(parts) == paid and all(p >= 0 for p in parts)
    assert all(p == p.quantize(Decimal("0.01")) for p in parts)


@given(weights=st.lists(CENTS.filter(lambda w: w > 0), min_size=1, max_size=10), data=st.data())
def test_an_amount_spread_over_lines_sums_exactly_and_gives_no_line_more_than_it_may_take(weights, data):
    total = sum(weights)
    amount = data.draw(st.integers(0, int(total * 100)).map(lambda c: Decimal(c).scaleb(-2)))
    parts = allocate(amount, weights, "EUR")
    assert sum(parts) == amount
    assert all(Decimal(0) <= p <= w for p, w in zip(parts, weights, strict=True))


EXTREMES = st.one_of(
    st.sampled_from([1e-7, 1e308, -1e308, math.nan, math.inf, -0.0, 2**31, 2**63, "1e-7", "NaN", "-1", "0.001", ""]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=50),
    st.integers(),
    st.booleans(),
    st.none(),
)


@given(value=EXTREMES, digits=st.sampled_from([0, 2, 3]))
def test_an_amount_is_either_refused_with_a_reason_or_exact_within_bounds_and_digits(value, digits):
    problem = amount_problem(value, digits)
    if problem is None:
        amount = to_amount(value)
        assert (0 <= amount <= MAX_MONEY and -amount.normalize().as_tuple().exponent <= max(digits, 0)) or amount == 0
    else:
        assert isinstance(problem, str) and problem


_TEMPLATE: list[Path] = []


def fresh_database() -> Path:
    """A copy of a migrated SQLite file (migrating once: the state machine starts many times)."""
    if not _TEMPLATE:
        from oms.adapters.database import Database
        from oms.adapters.migrate import upgrade

        path = Path(tempfile.mkdtemp()) / "template.sqlite"
        db = Database(f"sqlite:///{path}")
        upgrade(db)
        db.dispose()
        _TEMPLATE.append(path)
    copy = _TEMPLATE[0].with_name(f"{uuid.uuid4().hex}.sqlite")
    shutil.copy(_TEMPLATE[0], copy)
    return copy


class PostSales(RuleBasedStateMachine):
    """Random returns, receipts, appeasements, releases, cancellations and exchanges on one shipped order.

    Exchanges wait for their return (``after_return``); their own units may be returned or exchanged again,
    and every refund of them lands on O1: O1's money is the whole story.
    """

    def __init__(self) -> None:
        super().__init__()
        self.app = Oms.connect(f"sqlite:///{fresh_database()}", rules=FakeRules(), clock=Clock())
        setup_shipped(
            self.app,
            "O1",
            LINES,
            auto_approve_returns=False,
            auto_release_refunds=False,
            service_lines=SERVICE,
            refund_service_lines=True,
            exchange_mode="after_return",
        )
        self.returns: list[int] = []
        self.refunds: list[int] = []
        self.exchanges: list[str] = []

    def teardown(self) -> None:
        self.app.db.dispose()

    @rule(data=st.data(), line=st.sampled_from(["1", "2"]), quantity=st.integers(1, 3))
    def authorize(self, data, line, quantity):
        number = data.draw(st.sampled_from(["O1", *self.exchanges]))
        with contextlib.suppress(InvalidInput, NotFound):  # NotFound: a line the exchange order does not have
            request = rt.ReturnRequest({line: quantity}, "OTHER")
            self.returns.append(rt.authorize_return(self.app, number, "web", request, "t")["id"])

    @rule(data=st.data(), line=st.sampled_from(["1", "2"]), quantity=st.integers(1, 3), sku=st.sampled_from("AB"))
    def exchange(self, data, line, quantity, sku):
        number = data.draw(st.sampled_from(["O1", *self.exchanges]))
        try:
            made = create_exchange(self.app, number, "web", ExchangeRequest({line: ExchangeLine(quantity, sku)}), "t")
        except InvalidInput as err:
            assert err.errors and all(e.path.startswith("lines.") for e in err.errors)
            return
        assert (made["status"], made["reason"]) == ("ONHOLD", "WAITING_RETURN")
        self.exchanges.append(made["order_id"])
        self.returns.append(made["return_id"])

    @precondition(lambda self: self.returns)
    @rule(data=st.data())
    def settle_return(self, data):
        """Approve and receive a return at once: receipts release or cancel exchanges and refund on O1."""
        shown = rt.show_return(self.app, data.draw(st.sampled_from(self.returns)))
        if shown["status"] == "requested":
            rt.approve_return(self.app, shown["id"], "t")
        if shown["status"] in ("requested", "approved"):
            damaged = {ln["line_id"]: data.draw(st.integers(0, ln["quantity"])) for ln in shown["lines"]}
            rt.receive_return(self.app, shown["id"], damaged, "t")

    @precondition(lambda self: self.exchanges)
    @rule()
    def ship_exchanges(self):
        for number in self.exchanges:
            ship_all(self.app, number)  # what its return released; nothing while it waits

    @precondition(lambda self: self.returns)
    @rule(data=st.data(), step=st.sampled_from(["approve", "cancel", "receive"]))
    def move_return(self, data, step):
        return_id = data.draw(st.sampled_from(self.returns))
        try:
            if step == "receive":
                shown = rt.show_return(self.app, return_id)
                damaged = {ln["line_id"]: data.draw(st.integers(0, ln["quantity"])) for ln in shown["lines"]}
                rt.receive_return(self.app, return_id, damaged, "t")
            else:
                getattr(rt, f"{step}_return")(self.app, return_id, "t")
        except IllegalTransition:
            pass

    @rule(target_line=st.sampled_from([None, "1", "2", "S1"]), cents=st.integers(1, 4000))
    def appease(self, target_line, cents):
        amount = Decimal(cents).scaleb(-2)
        request = (
            rf.Appeasement("GOODWILL", amount=amount)
            if target_line is None
            else rf.Appeasement("GOODWILL", lines={target_line: str(amount)})
        )
        try:
            self.refunds.append(rf.appease(self.app, "O1", "web", request, "t")["id"])
        except Refused as err:
            assert "still refundable" in str(err)

    @rule(data=st.data(), step=st.sampled_from(["release", "cancel"]))
    def move_refund(self, data, step):
        ids = [r["id"] for r in rf.list_refunds(self.app, "O1")]
        if not ids:
            return
        with contextlib.suppress(Refused):
            getattr(rf, f"{step}_refund")(self.app, data.draw(st.sampled_from(ids)), "t")

    @invariant()
    def refunds_never_exceed_what_was_paid(self):
        with self.app.uow(readonly=True) as uow:
            r, ln = t.refunds.c, t.refund_lines.c
            assert set(uow.session.scalars(select(r.order_number))) <= {"O1"}  # exchanges refund on O1
            rows = uow.session.execute(
                select(ln.line_id, func.count(), ln.amount)
                .join(t.refunds, r.id == ln.refund_id)
                .where(r.status != "cancelled")
                .group_by(ln.line_id, ln.amount)
            ).all()
        given_back: dict[str, Decimal] = {}
        for line_id, count, amount in rows:
            given_back[line_id] = given_back.get(line_id, Decimal(0)) + Decimal(amount) * count
        for line_id in ("1", "2", "S1"):
            paid = line_money(self.app, "O1", line_id)["paid"]
            assert given_back.get(line_id, Decimal(0)) <= paid
            assert line_money(self.app, "O1", line_id)["refundable"] == paid - given_back.get(line_id, Decimal(0))


def test_random_post_sales_sequences_keep_refunds_and_appeasements_within_what_was_paid():
    PostSales.TestCase.settings = settings(
        max_examples=8, stateful_step_count=10, deadline=None, suppress_health_check=list(HealthCheck)
    )
    PostSales.TestCase().runTest()


def test_eight_threads_appeasing_one_line_at_once_never_give_back_more_than_was_paid(app):
    setup_shipped(app, "O1", [LINES[0]])  # paid 30.89: room for six
    outcomes: list[str] = []

    def ask() -> None:
        try:
            rf.appease(app, "O1", "web", rf.Appeasement("GOODWILL", lines={"1": "5.00"}), "t")
            outcomes.append("given")
        except Refused:
            outcomes.append("refused")

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    money = line_money(app, "O1", "1")
    assert outcomes.count("given") == 6 and outcomes.count("refused") == 2
    assert money["refunded"] == Decimal("30.00") and money["refundable"] == Decimal("0.89")
