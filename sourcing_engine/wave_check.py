"""Is a wave valid?  Every plan under the contract, and all plans together within the stock."""

from __future__ import annotations

from collections import defaultdict

from sourcing_engine.engine import consumed
from sourcing_engine.ledger import StockLedger
from sourcing_engine.model import Network, Order
from sourcing_engine.validate import violations
from sourcing_engine.wave_plan import WavePlan


def wave_violations(wave: WavePlan, orders: list[Order], network: Network, *, rules_applied: bool = False) -> list[str]:
    """What is wrong with ``wave`` (empty when valid).

    A plan the wave kept from sequential sourcing is checked against the stock
    its order saw in that sequence (the pickup store's stock first depends on
    it); a plan the wave changed, against the wave's stock.  Then the sum of
    what all plans take of each SKU at each source must fit its stock.
    """
    if [p.order_id for p in wave.plans] != [o.id for o in orders]:
        return ["the wave's plans are not one per order in the wave's order"]
    full = StockLedger(network)
    replay = StockLedger(network)
    problems: list[str] = []
    for order, plan, seq in zip(orders, wave.plans, wave.sequential, strict=True):
        seen = replay if plan is seq else full
        problems += [f"{order.id}: {p}" for p in violations(plan, order, seen.copy(), rules_applied=rules_applied)]
        replay.take(consumed(seq))
    taken: dict[tuple[str, str], int] = defaultdict(int)
    for plan in wave.plans:
        for code, sku, qty in consumed(plan):
            taken[(code, sku)] += qty
    problems += [
        f"the wave takes {qty} of {sku} at {code} but it has {full.available(code, sku)}"
        for (code, sku), qty in taken.items()
        if qty > full.available(code, sku)
    ]
    return problems
