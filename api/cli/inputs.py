"""Reading the contract's JSON documents from files or stdin, failing in one line.

Bad input ends the command with exit code 2 and one line on stderr naming the
file, the JSON path and the problem: never a traceback, nothing on stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from sourcing_engine.errors import InputError

T = TypeVar("T")
BAD_INPUT = 2


def fail(message: str, code: int = BAD_INPUT) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


def read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError as err:
        fail(f"{path}: cannot read: {err.strerror or err}")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text")


def display_name(path: str) -> str:
    return "<stdin>" if path == "-" else path


def parse_json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        fail(f"{where}: malformed JSON at line {err.lineno} column {err.colno}: {err.msg}")
    except RecursionError:
        fail(f"{where}: JSON nested too deeply")


def load_document(path: str, loader: Callable[[Any], T]) -> T:
    name = display_name(path)
    doc = parse_json(read_text(path), name)
    try:
        return loader(doc)
    except InputError as err:
        fail(f"{name}: {err}")


def load_lines(path: str, loader: Callable[[Any], T]) -> list[T]:
    """Every non-blank line of a JSON-lines file, all checked before any is used."""
    name = display_name(path)
    out: list[T] = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        doc = parse_json(line, f"{name}:{number}")
        try:
            out.append(loader(doc))
        except InputError as err:
            fail(f"{name}:{number}: {err}")
    return out
