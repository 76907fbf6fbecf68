"""Rules that real merchants use, one ruleset per file, as documented in docs/rules.md.

``recipes()`` finds them wherever the package is installed, so benchmarks and
tests can load the same files the documentation shows.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def recipes() -> dict[str, Path]:
    """Every cookbook file by its name without ``.rules``, in alphabetical order."""
    folder = resources.files(__name__)
    found = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".rules"))
    return {name.removesuffix(".rules"): Path(str(folder.joinpath(name))) for name in found}
