"""The narrow seam between the OMS and the rules language.

The OMS stores ruleset *text* (versioned, one version active per channel) and
needs only two things from the language: compile a text once, and tell what a
compiled ruleset directs for one order.  ``DslRules`` does this with
``rules_dsl`` and the engine's bridge; tests hand in a fake compiler.
"""

from __future__ import annotations

from typing import Protocol

from oms.errors import FieldError, InvalidInput
from sourcing_engine.directives import Directives
from sourcing_engine.model import Order
from sourcing_engine.network_index import NetworkIndex


class CompiledRules(Protocol):
    def directives(self, order: Order, index: NetworkIndex) -> Directives: ...


class RulesCompiler(Protocol):
    def compile(self, text: str, name: str) -> CompiledRules:
        """Compile or raise ``InvalidInput`` listing every error (``FILE:LINE:COL: message``)."""
        ...


class RulesUnavailable(InvalidInput):
    pass


class _Bridged:
    """A ruleset compiled by ``rules_dsl``, evaluated through the engine's bridge."""

    def __init__(self, compiled: object) -> None:
        self.compiled = compiled
        self.name: str | None = getattr(compiled, "name", None)  # the name in the ruleset's header

    def directives(self, order: Order, index: NetworkIndex) -> Directives:
        from sourcing_engine.rules_bridge import directives_for

        return directives_for(self.compiled, order, index)


class DslRules:
    """Compiles with ``rules_dsl.load(text, file)`` when the language is installed."""

    def compile(self, text: str, name: str) -> CompiledRules:
        import rules_dsl

        load = getattr(rules_dsl, "load", None)
        if load is None:
            raise RulesUnavailable([FieldError(name, "the rules language is not available in this installation yet")])
        try:
            return _Bridged(load(text, name))
        except Exception as err:  # RulesError: every problem, each at FILE:LINE:COL
            problems = getattr(err, "diagnostics", None)
            if problems is None:
                raise
            raise InvalidInput([FieldError("", str(p)) for p in problems]) from None
