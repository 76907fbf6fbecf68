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

    def directives(self, order: Order, index: NetworkIndex) -> Directives:
        from sourcing_engine.rules_bridge import directives_for

        return directives_for(self.compiled, order, index)


class DslRules:
    """Compiles with ``rules_dsl.compile_text`` (or ``compile``) when the language offers it."""

    def compile(self, text: str, name: str) -> CompiledRules:
        import rules_dsl

        compile_fn = getattr(rules_dsl, "compile_text", None) or getattr(rules_dsl, "compile", None)
        if compile_fn is None:
            raise RulesUnavailable([FieldError(name, "the rules language is not available in this installation yet")])
        try:
            return _Bridged(compile_fn(text, name))
        except Exception as err:  # the language reports its own errors; we surface them as input errors
            errors = getattr(err, "errors", None) or [err]
            raise InvalidInput([FieldError(name, str(e)) for e in errors]) from None
