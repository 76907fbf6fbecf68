"""Fakes: a rules compiler that understands a few words, standing in for the rules language.

Until ``rules_dsl`` lands, rule-driven OMS behaviour (hold, partial hold,
bundles that may split) is tested through the engine's ``Directives``, which
is exactly what compiled rules produce.  A text is a list of words:
``hold``, ``partial-hold``, ``split-after-N``, ``max-shipments-N``, ``no-backorder``.
"""

from __future__ import annotations

from sourcing_engine.directives import Directives, Settings
from sourcing_engine.model import Order
from sourcing_engine.network_index import NetworkIndex


class FakeCompiled:
    def __init__(self, words: list[str]) -> None:
        self.words = words

    def directives(self, order: Order, index: NetworkIndex) -> Directives:
        settings: dict[str, object] = {}
        out = Directives()
        for word in self.words:
            if word == "hold":
                out.hold = "manual review"
            elif word == "partial-hold":
                settings["partial"] = "hold"
            elif word.startswith("split-after-"):
                settings["bundle_split_after"] = int(word.rsplit("-", 1)[1])
            elif word.startswith("max-shipments-"):
                settings["max_shipments"] = int(word.rsplit("-", 1)[1])
            elif word == "no-backorder":
                out.backorder = {line.id: False for line in order.lines}
        out.settings = Settings(**settings)  # type: ignore[arg-type]
        return out


class FakeRules:
    KNOWN = ("hold", "partial-hold", "split-after-", "max-shipments-", "no-backorder")

    def __init__(self) -> None:
        self.compiled: list[str] = []

    def compile(self, text: str, name: str) -> FakeCompiled:
        from oms.errors import FieldError, InvalidInput

        words = text.split()
        bad = [w for w in words if not any(w == k or (k.endswith("-") and w.startswith(k)) for k in self.KNOWN)]
        if bad:
            raise InvalidInput([FieldError(f"{name}:1:1", f"unknown rule {bad[0]!r}")])
        self.compiled.append(name)
        return FakeCompiled(words)
