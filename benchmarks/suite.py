"""The whole benchmark: presets in turn, then report.md, results.json, plots and the docs section."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.plots import draw_all
from benchmarks.presets import PRESETS, QUICK_ORDERS
from benchmarks.report import markdown, splice
from benchmarks.runner import PresetRun, Progress, no_progress, run_preset

DEFAULT_PRESETS = ("tiny", "typical", "large", "scarce", "rules")
EXACT_TIME_LIMIT = {False: 20.0, True: 2.0}  # seconds per order for the MIP: full run, --quick


def run_suite(
    presets: tuple[str, ...], seed: int, orders: int | None, quick: bool, out: Path, *, processes: int = 2,
    docs: Path | None = None, command: str = "oms bench", progress: Progress = no_progress,
) -> tuple[list[PresetRun], dict[str, Any]]:
    runs = []
    for name in presets:
        count = orders if orders is not None else (QUICK_ORDERS[name] if quick else None)
        runs.append(run_preset(name, seed, count, exact_time_limit=EXACT_TIME_LIMIT[quick],
                               processes=0 if quick and name != "typical" else processes, progress=progress))
    meta = metadata_of(seed, quick, command)
    out.mkdir(parents=True, exist_ok=True)
    images = draw_all(runs, out / "img") if any(r.skipped is None for r in runs) else {}
    (out / "report.md").write_text(
        "# Sourcing benchmark\n\n" + markdown(runs, meta, {k: f"img/{p.name}" for k, p in images.items()}),
        encoding="utf-8",
    )
    (out / "results.json").write_text(json.dumps(results(runs, meta), indent=1, default=float), encoding="utf-8")
    if docs is not None:
        update_docs(docs, runs, meta, images)
    return runs, meta


def update_docs(docs: Path, runs: list[PresetRun], meta: dict[str, Any], images: dict[str, Path]) -> None:
    """Rewrite the generated section of ``docs`` (between the markers) and copy the plots beside it."""
    folder = docs.parent / "img"
    folder.mkdir(parents=True, exist_ok=True)
    links = {}
    for key, path in images.items():
        shutil.copyfile(path, folder / path.name)
        links[key] = f"img/{path.name}"
    current = docs.read_text(encoding="utf-8") if docs.exists() else "# Benchmarks\n"
    docs.write_text(splice(current, markdown(runs, meta, links)), encoding="utf-8")


def metadata_of(seed: int, quick: bool, command: str) -> dict[str, Any]:
    versions = {}
    for package in ("oms-sourcing", "ortools", "highspy", "numpy", "matplotlib"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "command": command,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "seed": seed,
        "quick": quick,
        "git_commit": _git_commit(),
        "machine": {"platform": platform.platform(), "processor": _cpu_model(), "cpus": os.cpu_count(),
                    "python": sys.version.split()[0]},
        "versions": versions,
    }


def results(runs: list[PresetRun], meta: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {**meta, "presets": {}}
    for run in runs:
        entry: dict[str, Any] = {"seed": run.seed, "orders": run.orders, "stream": run.stream,
                                 "fingerprint": run.fingerprint, "params": asdict(PRESETS[run.name])}
        if run.skipped:
            entry["skipped"] = run.skipped
        else:
            entry.update(summary=run.summary, quality=run.quality, determinism=run.determinism,
                         throughput=run.throughput, invalid={k: v[:50] for k, v in run.invalid.items()},
                         invalid_counts={k: len(v) for k, v in run.invalid.items()},
                         exact=[asdict(e) for e in run.exact],
                         orders_by_strategy={k: _table(v) for k, v in run.records.items()})
        out["presets"][run.name] = entry
    return out


def _table(records: list) -> dict[str, Any]:
    if not records:
        return {"columns": [], "rows": []}
    columns = list(asdict(records[0]))
    return {"columns": columns, "rows": [list(asdict(r).values()) for r in records]}


def _git_commit() -> str | None:
    try:
        root = Path(__file__).resolve().parent.parent
        done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              timeout=5, check=False)
        return done.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()

