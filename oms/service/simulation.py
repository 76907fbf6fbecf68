"""Sourcing without consequences: the plan an order would get now, and what rules would do to it.

Nothing is placed, reserved or written.  One read-only transaction reads
what intake would read for the order (its channel's sources with their link
priorities, the products and the stock rows of its SKUs, the channel's
backorder setting and active ruleset: ``sourcing.channel_network``); the
engine then plans outside the transaction.  A caller may replace the stored
network (the engine's network document) or the stored rules (rules text)
with its own, to try a change before making it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError

from oms.domain.catalog import Channel
from oms.errors import FieldError, InvalidInput
from oms.rules import CompiledRules
from oms.schemas import all_errors, load_intake_order
from oms.service.app import Oms, transact
from oms.service.intake_checks import check_against_catalog
from oms.service.rules_text import compiled_rules, explain
from oms.service.sourcing import active_rules, channel_backorders, channel_network
from oms.service.unit_of_work import UnitOfWork
from sourcing_engine import STRATEGIES, Directives, InputError, NetworkIndex, Order, source
from sourcing_engine.engine import check_order_against_network
from sourcing_engine.schemas import NetworkSchema, plan_to_dict

DEFAULT_STRATEGY = "optimal"


@dataclass(slots=True)
class Setting:
    """What an order is planned against: the network, and the channel when the OMS knows it."""

    index: NetworkIndex
    channel: Channel | None
    rules: CompiledRules | None  # the channel's active ruleset, or the one given


def simulate(
    app: Oms, order: Any, strategy: str | None = None, rules: str | None = None, network: Any = None
) -> dict[str, Any]:
    """The plan JSON of ``oms source`` for ``order`` against the stored network and rules, or the given ones."""
    errors: list[FieldError] = []
    engine_order = _order(order, errors)
    given_rules = _rules(app, rules, errors)
    given_network = _network(network, errors)
    if strategy is not None and strategy not in STRATEGIES:
        errors.append(FieldError("strategy", f"must be one of {', '.join(STRATEGIES)}"))
    if errors:
        raise InvalidInput(errors)
    assert engine_order is not None
    setting = _setting(app, engine_order, given_network)
    if given_rules is not None:
        setting.rules = given_rules
    ours = Directives()
    if setting.channel is not None:
        ours.backorder.update(channel_backorders(setting.channel, engine_order.lines))
    directives = ours.combined(setting.rules.directives(engine_order, setting.index)) if setting.rules else ours
    chosen = strategy or (setting.channel.strategy if setting.channel else DEFAULT_STRATEGY)
    try:
        return plan_to_dict(source(engine_order, setting.index, chosen, directives=directives))
    except InputError as err:  # what only planning finds out about the order and this network
        raise InvalidInput([FieldError(_under("order", err.path), err.message)]) from None


def explain_rules(
    app: Oms, rules: str, order: Any, network: Any = None, strategy: str = DEFAULT_STRATEGY
) -> dict[str, Any]:
    """``oms rules explain --json`` for rules text and an order, against the given or the stored network."""
    errors: list[FieldError] = []
    engine_order = _order(order, errors)
    given_network = _network(network, errors)
    ruleset = _collect(lambda: compiled_rules(rules if isinstance(rules, str) else "", "rules", "rules"), errors)
    if not isinstance(rules, str):
        errors = [e for e in errors if e.path != "rules"] + [FieldError("rules", "must be a string")]
    if strategy not in STRATEGIES:
        errors.append(FieldError("strategy", f"must be one of {', '.join(STRATEGIES)}"))
    if errors:
        raise InvalidInput(errors)
    assert engine_order is not None
    setting = _setting(app, engine_order, given_network)
    try:
        return explain(ruleset, engine_order, setting.index, strategy).to_dict()
    except InputError as err:
        raise InvalidInput([FieldError(_under("order", err.path), err.message)]) from None


def _setting(app: Oms, order: Order, network: Any) -> Setting:
    if network is not None:
        index = NetworkIndex(network)
        try:
            check_order_against_network(order, index)
        except InputError as err:
            raise InvalidInput([FieldError(_under("order", err.path), err.message)]) from None
        return Setting(index, _stored_channel(app, order.channel), None)
    return transact(app, lambda uow: _stored_setting(app, uow, order), readonly=True)


def _stored_setting(app: Oms, uow: UnitOfWork, order: Order) -> Setting:
    snapshot = uow.catalog.snapshot()
    try:
        check_against_catalog(order, snapshot, None)
    except InvalidInput as err:
        raise InvalidInput([FieldError(_under("order", e.path), e.message) for e in err.errors]) from None
    channel = snapshot.channels[order.channel]
    network, _ = channel_network(uow, snapshot, channel, sorted({line.sku for line in order.lines}))
    return Setting(NetworkIndex(network), channel, active_rules(app, uow, channel))


def _stored_channel(app: Oms, code: str) -> Channel | None:
    return transact(app, lambda uow: uow.catalog.snapshot().channels.get(code), readonly=True)


def _order(doc: Any, errors: list[FieldError]) -> Order | None:
    loaded = _collect(lambda: load_intake_order(doc), errors, "order")
    return None if loaded is None else loaded[0]


def _rules(app: Oms, text: Any, errors: list[FieldError]) -> CompiledRules | None:
    if text is None:
        return None
    if not isinstance(text, str):
        errors.append(FieldError("rules", "must be a string"))
        return None
    try:
        return app.rules.compile(text, "rules")
    except InvalidInput as err:  # the checker's diagnostics, each at rules:LINE:COL
        errors.extend(FieldError("rules", f"{e.path}: {e.message}" if e.path else e.message) for e in err.errors)
        return None


def _network(doc: Any, errors: list[FieldError]) -> Any:
    if doc is None:
        return None
    if not isinstance(doc, dict):
        errors.append(FieldError("network", "must be a JSON object"))
        return None
    try:
        return NetworkSchema().load(doc)
    except ValidationError as err:  # every field at once, unlike the engine's first-error loader
        errors.extend(all_errors(err.messages, "network"))
        return None


def _collect(load, errors: list[FieldError], root: str = ""):  # type: ignore[no-untyped-def]
    try:
        return load()
    except InvalidInput as err:
        errors.extend(FieldError(_under(root, e.path), e.message) for e in err.errors)
        return None


def _under(root: str, path: str) -> str:
    if not root:
        return path
    return f"{root}.{path}" if path and not path.startswith("[") else f"{root}{path}"
