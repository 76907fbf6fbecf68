"""Extensions: custom actions an integrator adds and operators run, each run recorded (MOM's Extensions Management).

An extension is an object with a ``name``, a ``description``, a marshmallow
``schema`` for its parameters and ``run(ctx)``, published under the entry
point group ``oms.extensions`` (the built-in ones are in ``oms.extensions.builtin``).
It runs inside one unit of work: when it raises, nothing it did is kept, and
the run is recorded as failed with its error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from marshmallow import Schema

from oms.service.app import Oms
from oms.service.unit_of_work import UnitOfWork

GROUP = "oms.extensions"


@dataclass(slots=True)
class RunContext:
    """What an extension's ``run`` gets: the OMS, the open unit of work, its parameters, and a log."""

    app: Oms
    uow: UnitOfWork
    params: dict[str, Any]
    actor: str
    lines: list[str] = field(default_factory=list)

    def log(self, line: str) -> None:
        self.lines.append(str(line)[:2000])


class Extension(Protocol):
    name: str
    description: str
    schema: type[Schema]
    run: Callable[[RunContext], Any]
