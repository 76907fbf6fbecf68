"""Who may change the catalog: sources, products and the network are shared by every channel.

A key limited to some channels may edit those channels and their rulesets,
but not what all channels share (a source, a product, a network document):
that takes a key for every channel.
"""

from __future__ import annotations

from api.http.auth import Caller, caller
from api.http.problems import Problem


def shared_catalog_writer() -> Caller:
    """The caller, if its key may change what every channel shares (403 otherwise)."""
    who = caller()
    if who.channels is not None:
        raise Problem(403, "forbidden", "a key limited to channels may not change what all channels share")
    return who
