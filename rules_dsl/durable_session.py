"""One durable-rules ruleset per compiled ruleset version, asked once per order.

We drive durable-rules' C engine (``durable_rules_engine``, shipped with
durable-rules) directly rather than through ``durable.engine.Host``: the host
runs a rule's action synchronously for the first match only and leaves the
rest to its timer threads, while sourcing needs every match of an order
before it returns.  Each order is asserted as facts in a session of its own
(a fresh ``sid``), every match is drained, and the session is deleted.

durable-rules reads JSON numbers with a grammar of its own: an exponent only
after a fraction (``1.5e-05``, never ``1e-05``).  Given ``1e-05`` or ``1e+16``
(Python's spelling of 0.00001 and 10**16) it loses its place in the document
and the process dies with a segmentation fault.  Every number we hand it is
therefore written in its grammar (``_durable_numbers``).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import weakref
from typing import Any

import durable_rules_engine as engine

_names = itertools.count()
# A condition every session matches.  durable-rules 2.0.28 frees memory it never
# set up when it deletes a session in which no fact matched anything (a crash
# that depends on what the heap held before); one match per session avoids it.
SESSION = "session"


class DurableError(RuntimeError):
    """durable-rules refused a condition or a fact."""


class DurableConditions:
    """Conditions keyed by name; ``matches`` says which hold for which fact."""

    def __init__(self, label: str, conditions: dict[str, dict]) -> None:
        definition = {name: {"all": [{"m": cond}]} for name, cond in conditions.items()}
        definition[SESSION] = {"all": [{"m": {"k": SESSION}}]}
        try:
            self._handle = engine.create_ruleset(f"{label}#{next(_names)}", _dumps(definition))
        except Exception as err:  # the C extension raises plain exceptions
            raise DurableError(str(err)) from err
        self._lock = threading.Lock()
        self._sessions = itertools.count()
        weakref.finalize(self, engine.delete_ruleset, self._handle)

    def matches(self, facts: list[dict[str, Any]]) -> list[tuple[str, int]]:
        """Every (condition name, position of the fact in ``facts``) that matches."""
        if not facts:
            return []
        with self._lock:  # the C ruleset is not safe to use from two threads at once
            sid = str(next(self._sessions))
            # the position goes first: it keeps facts distinct (durable-rules keeps one
            # copy of identical facts) and is read back from each match without parsing it all
            session = [{"n": n, **fact, "sid": sid} for n, fact in enumerate(facts)]
            session.append({"n": len(facts), "k": SESSION, "sid": sid})
            # the result code describes the last fact only, so every session is drained:
            # deleting a session with actions still pending crashes the C engine
            _, state = engine.assert_facts(self._handle, _dumps(session))
            found = [match for match in self._drain(state) if match[0] != SESSION]
            engine.delete_state(self._handle, sid)
            return found

    def _drain(self, state: int) -> list[tuple[str, int]]:
        found = []
        started = engine.start_action_for_state(self._handle, state)
        message = started[1] if started else None
        while message:
            found.extend(_matched(message))
            message = engine.complete_and_start_action(self._handle, state)
        return found


_MATCH = re.compile(r'\{"([^"]+)":\{"m":\{"n":(\d+)[,}]')


def _matched(message: str) -> list[tuple[str, int]]:
    """(condition name, fact position) of one match, read from durable-rules' message."""
    head = _MATCH.match(message)
    if head is not None:
        return [(head.group(1), int(head.group(2)))]
    return [(name, int(matched["m"]["n"])) for name, matched in json.loads(message).items()]


# A JSON string (left as it is), or a number: its integer part, fraction and exponent.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|(-?\d+)(\.\d+)?([eE][-+]?\d+)?')


def _dumps(value: object) -> str:
    return _durable_numbers(json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False))


def _durable_numbers(text: str) -> str:
    """JSON text with every number spelt as durable-rules reads it: ``1e-05`` becomes ``1.0e-05``."""
    return _TOKEN.sub(_durable_number, text)


def _durable_number(token: re.Match[str]) -> str:
    whole, fraction, exponent = token.groups()
    if exponent is None or fraction is not None:
        return token.group(0)
    return f"{whole}.0{exponent}"
