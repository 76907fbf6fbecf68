"""What the OMS refuses, and why, in words an operator can act on."""

from __future__ import annotations

from dataclasses import dataclass


class OmsError(Exception):
    """Base of every error the OMS reports on purpose."""


@dataclass(frozen=True, slots=True)
class FieldError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InvalidInput(OmsError):
    """Input that cannot be accepted; carries every problem found, each naming its field."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


class NotFound(OmsError):
    pass


class Conflict(OmsError):
    """The request contradicts what is already recorded (e.g. another payload under the same order id)."""


class Refused(OmsError):
    """A domain rule forbids the command in the current state."""


class IllegalTransition(Refused):
    """A status change that the state machine does not allow; the message names the current status."""

    def __init__(self, message: str, current: str | None = None) -> None:
        super().__init__(message)
        self.current = current


class StockConflict(OmsError):
    """Another transaction took the stock this one planned on; the caller re-sources against fresh stock."""
