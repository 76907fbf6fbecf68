"""Dependencies point one way: api -> oms -> sourcing_engine -> rules_dsl."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["api", "oms", "sourcing_engine", "rules_dsl"]  # each may import only those after it
# `oms bench` is the command line's door to the benchmark suite: the one module of a layer allowed to use it.
EXCEPTIONS = {("api/cli/bench.py", "benchmarks")}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def forbidden_for(layer: str) -> set[str]:
    return set(LAYERS[: LAYERS.index(layer)]) | {"benchmarks", "tests"}


@pytest.mark.parametrize("layer", LAYERS)
def test_a_layer_never_imports_the_layers_above_it(layer: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / layer).rglob("*.py"))
        for name in imported_packages(path) & forbidden_for(layer)
        if (path.relative_to(ROOT).as_posix(), name) not in EXCEPTIONS
    ]
    assert offenders == []


def test_the_benchmarks_never_import_the_interfaces_or_the_tests() -> None:
    # They measure the engine and the OMS; the command line calls them, not the other way round.
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / "benchmarks").rglob("*.py"))
        for name in imported_packages(path) & {"api", "tests"}
    ]
    assert offenders == []


def test_the_checker_notices_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("from oms.domain import Order\nimport api.cli\n", encoding="utf-8")
    assert imported_packages(module) & forbidden_for("sourcing_engine") == {"oms", "api"}
