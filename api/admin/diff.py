"""The difference between two versions of a ruleset, line by line, as rows of a side-by-side table.

``difflib`` finds the changes; unchanged stretches longer than twice the
context are folded into one row that says how many lines it hides, so that
a one-line change in a long ruleset reads as a few rows.  Every row says in
words what happened to it (for screen readers and for printing without
colour), not only by its colour.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

CONTEXT = 3  # unchanged lines shown around each change


@dataclass(frozen=True, slots=True)
class DiffRow:
    change: str  # "same", "added", "removed", "changed" or "folded"
    old_number: int | None
    old_text: str
    new_number: int | None
    new_text: str
    folded: int = 0  # for a "folded" row: how many unchanged lines it stands for


@dataclass(frozen=True, slots=True)
class VersionDiff:
    old_label: str
    new_label: str
    rows: list[DiffRow]

    @property
    def identical(self) -> bool:
        return all(row.change in ("same", "folded") for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        """Lines added and removed (a changed line counts as one of each)."""
        added = sum(1 for r in self.rows if r.change in ("added", "changed") and r.new_number is not None)
        removed = sum(1 for r in self.rows if r.change in ("removed", "changed") and r.old_number is not None)
        return {"added": added, "removed": removed}


def version_diff(
    old: str, new: str, old_label: str = "old", new_label: str = "new", context: int = CONTEXT
) -> VersionDiff:
    """The rows that show how ``new`` differs from ``old``."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += _unchanged(a, i1, i2, j1, context, first=i1 == 0, last=i2 == len(a))
        elif tag == "delete":
            rows += [DiffRow("removed", i + 1, a[i], None, "") for i in range(i1, i2)]
        elif tag == "insert":
            rows += [DiffRow("added", None, "", j + 1, b[j]) for j in range(j1, j2)]
        else:
            rows += _replaced(a, b, i1, i2, j1, j2)
    return VersionDiff(old_label, new_label, rows)


def _unchanged(a: list[str], i1: int, i2: int, j1: int, context: int, first: bool, last: bool) -> list[DiffRow]:
    """An unchanged stretch: its ends next to changes, the middle folded."""
    same = [DiffRow("same", i + 1, a[i], j1 + (i - i1) + 1, a[i]) for i in range(i1, i2)]
    head = 0 if first else context  # lines kept after the change before
    tail = 0 if last else context  # lines kept before the change after
    if len(same) <= head + tail + 1:
        return same
    hidden = len(same) - head - tail
    fold = DiffRow("folded", None, "", None, "", folded=hidden)
    return same[:head] + [fold] + (same[len(same) - tail :] if tail else [])


def _replaced(a: list[str], b: list[str], i1: int, i2: int, j1: int, j2: int) -> list[DiffRow]:
    """Changed lines side by side; the longer side's extra lines as added or removed."""
    rows = []
    for k in range(max(i2 - i1, j2 - j1)):
        i, j = i1 + k, j1 + k
        if i < i2 and j < j2:
            rows.append(DiffRow("changed", i + 1, a[i], j + 1, b[j]))
        elif i < i2:
            rows.append(DiffRow("removed", i + 1, a[i], None, ""))
        else:
            rows.append(DiffRow("added", None, "", j + 1, b[j]))
    return rows
