"""Wave settings of a batch channel, and the order in which a wave takes its orders."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from oms.errors import FieldError, InvalidInput

SORTS = ("age", "priority")
MIN_INTERVAL, MAX_INTERVAL = 10, 86_400  # seconds: from ten seconds to a day
MAX_WAVE_SIZE = 5_000


@dataclass(frozen=True, slots=True)
class WaveSettings:
    """How often a batch channel's waiting orders are sourced together, how many at most, in which order."""

    interval_seconds: int = 300
    max_size: int = 200
    sort: str = "age"  # age: oldest first; priority: highest ``attributes.priority`` first, then oldest

    @classmethod
    def load(cls, doc: Any, path: str = "wave") -> WaveSettings:
        """From ``{"interval_seconds", "max_size", "sort"}``; every error at once, each naming its field."""
        if not isinstance(doc, dict):
            raise InvalidInput([FieldError(path, "must be an object")])
        errors = [FieldError(f"{path}.{k}", "unknown field") for k in doc if k not in cls.__dataclass_fields__]
        interval = _integer(doc, "interval_seconds", 300, MIN_INTERVAL, MAX_INTERVAL, path, errors)
        size = _integer(doc, "max_size", 200, 1, MAX_WAVE_SIZE, path, errors)
        sort = doc.get("sort", "age")
        if sort not in SORTS:
            errors.append(FieldError(f"{path}.sort", f"must be one of {', '.join(SORTS)}"))
        if errors:
            raise InvalidInput(errors)
        return cls(interval, size, sort)

    def as_dict(self) -> dict[str, Any]:
        return {"interval_seconds": self.interval_seconds, "max_size": self.max_size, "sort": self.sort}


def _integer(doc: dict, key: str, default: int, low: int, high: int, path: str, errors: list[FieldError]) -> int:
    value = doc.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors.append(FieldError(f"{path}.{key}", f"must be an integer from {low} to {high}"))
        return default
    return value


def wave_order(candidates: list[tuple[int, datetime, dict]], sort: str) -> list[int]:
    """Order ids in the wave's order: ``(id, placed_at, attributes)``, oldest first or by priority."""

    def priority(attributes: dict) -> float:
        value = attributes.get("priority") if isinstance(attributes, dict) else None
        if not isinstance(value, int | float) or isinstance(value, bool):
            return 0.0
        number = float(value)
        return number if math.isfinite(number) else 0.0

    if sort == "priority":
        ranked = sorted(candidates, key=lambda c: (-priority(c[2]), c[1], c[0]))
    else:
        ranked = sorted(candidates, key=lambda c: (c[1], c[0]))
    return [c[0] for c in ranked]
