"""What the OMS commands share: opening the database named by ``OMS_DATABASE_URL``, and turning errors into exit codes.

Exit codes follow the CLI contract: 0 done, 1 a refusal (the command was
understood but the OMS says no: an illegal transition, a conflicting payload),
2 bad input or usage (one line on stderr, naming the field).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from api.cli.inputs import fail
from oms.errors import Conflict, InvalidInput, NotFound, OmsError, Refused
from oms.limits import MAX_ROW_ID

if TYPE_CHECKING:
    from sqlalchemy.exc import DBAPIError

    from oms.service.app import Oms

REFUSED = 1
REQUEST_ID = click.IntRange(1, MAX_ROW_ID)  # a shipment request id: what the database's id column can hold

json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON on stdout.")
channel_option = click.option(
    "--channel", default=None, help="The order's sales channel (when ids repeat across channels)."
)


def open_oms(check_schema: bool = True) -> Oms:
    # The database layer is imported by the commands that open one: `oms rules` and `oms source` never pay for it.
    from sqlalchemy.exc import DBAPIError

    from oms.adapters.migrate import is_current
    from oms.service.app import Oms

    try:
        app = Oms.connect()
    except Exception as err:  # a malformed URL or a missing driver: say so in one line
        fail(f"OMS_DATABASE_URL: cannot connect: {err}")
    if check_schema:
        if not app.db.exists:  # connecting would create the file: a read must not
            fail(f"{app.db.url.render_as_string()}: no database yet: run `oms db upgrade`")
        try:
            current = is_current(app.db)
        except DBAPIError as err:  # no server, or a file that is not a database
            fail(f"{app.db.url.render_as_string()}: cannot open: {_first_line(err)}")
        if not current:
            fail(f"{app.db.url.render_as_string()}: database schema is not up to date: run `oms db upgrade`")
    return app


@contextmanager
def reported(where: str = "") -> Iterator[None]:
    """Turn the OMS's errors into one line on stderr and the contract's exit code."""
    from sqlalchemy.exc import DataError, DBAPIError

    prefix = f"{where}: " if where else ""
    try:
        yield
    except InvalidInput as err:
        fail(prefix + describe_errors(err))
    except NotFound as err:
        fail(prefix + str(err))
    except (Refused, Conflict) as err:
        fail(prefix + str(err), REFUSED)
    except OmsError as err:
        fail(prefix + str(err), REFUSED)
    except UnicodeEncodeError:  # a lone surrogate in a command-line argument, on its way to the database
        fail(prefix + "text must be valid Unicode (it holds a lone surrogate)")
    except DataError as err:  # a value past the schema's bounds: the last line of defence, still one line
        fail(prefix + f"the database cannot store a value: {_first_line(err)}")
    except DBAPIError as err:
        if "not a database" in str(err.orig):
            fail(prefix + f"not a database: {_first_line(err)}")
        fail(prefix + f"database error: {_first_line(err)}", REFUSED)


def _first_line(err: DBAPIError) -> str:
    return (str(err.orig).strip().splitlines() or ["unknown error"])[0]


def describe_errors(err: InvalidInput, shown: int = 5) -> str:
    """Every error on one line (the first few, and how many more)."""
    text = "; ".join(str(e) for e in err.errors[:shown])
    more = len(err.errors) - shown
    return text + (f"; and {more} more" if more > 0 else "")


def emit(doc: Any) -> None:
    click.echo(json.dumps(doc, indent=2, default=str))


def parse_line_quantities(specs: tuple[str, ...]) -> dict[str, int | None] | None:
    """``--line 1 --line 2:3`` as {"1": None, "2": 3} (None: all units)."""
    if not specs:
        return None
    out: dict[str, int | None] = {}
    for spec in specs:
        line_id, _, qty = spec.partition(":")
        if not line_id:
            fail(f"--line {spec!r}: give LINE or LINE:QUANTITY")
        if qty:
            if not qty.isdigit() or int(qty) <= 0:
                fail(f"--line {spec!r}: quantity must be a positive integer")
            out[line_id] = int(qty)
        else:
            out[line_id] = None
    return out
