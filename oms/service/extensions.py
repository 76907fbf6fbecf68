"""Extensions: find them (built-in and the ``oms.extensions`` entry points), run one, and read the execution log."""

from __future__ import annotations

import time
from importlib.metadata import entry_points
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import insert, select

from oms.adapters import tables as t
from oms.errors import InvalidInput, NotFound
from oms.extensions import GROUP, Extension, RunContext
from oms.extensions.builtin import BUILTIN
from oms.limits import MAX_ACTOR, refuse_bad_texts
from oms.schemas import all_errors
from oms.service.app import Oms, transact
from oms.service.unit_of_work import UnitOfWork
from oms.service.views import iso

r = t.extension_runs.c


def available() -> dict[str, Extension]:
    """Every extension by name: the built-in ones, then those installed (an installed one may not shadow one)."""
    found: dict[str, Extension] = {e.name: e for e in BUILTIN}
    for point in entry_points(group=GROUP):
        loaded = point.load()
        extension = loaded() if isinstance(loaded, type) else loaded
        found.setdefault(extension.name, extension)
    return found


def describe(extension: Extension) -> dict[str, Any]:
    schema = extension.schema()
    parameters = [
        {"name": name, "type": type(f).__name__, "required": f.required} for name, f in sorted(schema.fields.items())
    ]
    return {"name": extension.name, "description": extension.description, "parameters": parameters}


def find(name: str) -> Extension:
    extension = available().get(name)
    if extension is None:
        raise NotFound(f"no extension {name!r}; `oms extensions list` shows them")
    return extension


def run_extension(app: Oms, name: str, params: Any, actor: str = "operator") -> dict[str, Any]:
    """Validate the parameters, run the extension in one unit of work, record the run (failed ones too)."""
    refuse_bad_texts(("actor", actor, MAX_ACTOR, True))
    extension = find(name)
    if not isinstance(params, dict):
        raise InvalidInput(all_errors({"params": ["must be a JSON object"]}))
    try:
        loaded = extension.schema().load(params)
    except ValidationError as err:
        raise InvalidInput(all_errors(err.messages, "params")) from None
    lines: list[str] = []
    started, clock = app.clock(), time.perf_counter()

    def work(uow: UnitOfWork) -> Any:
        lines.clear()  # a retried transaction starts its log again
        result = extension.run(RunContext(app, uow, loaded, actor, lines))
        uow.commit()
        return result

    status, result, error = "succeeded", None, None
    try:
        result = transact(app, work)
    except Exception as err:  # whatever the extension raised: its changes are rolled back, the run says why
        status, error = "failed", f"{err.__class__.__name__}: {err}"[:4000]
    row = {
        "name": name,
        "actor": actor,
        "params": params,
        "status": status,
        "result": result if isinstance(result, dict | list | int | str | None) else str(result),
        "error": error,
        "log": lines,
        "started_at": started,
        "elapsed_ms": (time.perf_counter() - clock) * 1000,
    }

    def record(uow: UnitOfWork) -> int:
        run_id = uow.session.execute(insert(t.extension_runs).values(**row).returning(r.id)).scalar_one()
        uow.commit()
        return run_id

    return _view({**row, "id": transact(app, record)})


def runs(app: Oms, name: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """The execution log, newest first."""

    def read(uow: UnitOfWork) -> list[dict[str, Any]]:
        stmt = select(t.extension_runs).order_by(r.id.desc()).limit(limit)
        if name is not None:
            stmt = stmt.where(r.name == name)
        return [_view(row._asdict()) for row in uow.session.execute(stmt)]

    return transact(app, read, readonly=True)


def _view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "run_id": row["id"],
        "name": row["name"],
        "actor": row["actor"],
        "params": row["params"],
        "status": row["status"],
        "result": row["result"],
        "error": row["error"],
        "log": row["log"],
        "started_at": iso(row["started_at"]),
        "elapsed_ms": round(row["elapsed_ms"], 3),
    }
