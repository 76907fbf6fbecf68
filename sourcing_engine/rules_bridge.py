"""Where the rules language meets the engine: a compiled ruleset's verdict on one order as directives.

The rules package cannot know the engine's types (dependencies point from the
engine to the rules), so it answers in its own terms and this module
translates.
"""

from __future__ import annotations

from sourcing_engine.directives import Directives
from sourcing_engine.model import Order
from sourcing_engine.network_index import NetworkIndex


def directives_for(rules: object, order: Order, index: NetworkIndex) -> Directives:
    raise NotImplementedError("the rules language is being built (issue 3)")
