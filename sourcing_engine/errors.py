"""Errors the engine reports about its input."""

from __future__ import annotations


class InputError(ValueError):
    """Input that cannot be sourced, with the JSON path of the offending field."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message
