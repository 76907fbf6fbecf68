"""``oms bench``: the sourcing benchmark suite against the greedy peers, the exact optimum and its LP bound."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from benchmarks.presets import PRESETS
from benchmarks.runner import PresetRun
from benchmarks.suite import DEFAULT_PRESETS, run_suite


@click.command("bench")
@click.option("--preset", "presets", multiple=True, type=click.Choice(list(PRESETS)),
              help="Preset to run (repeatable); default: all.")
@click.option("--orders", type=click.IntRange(min=2), help="Orders per preset (default: the preset's own).")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--quick", is_flag=True, help="Few orders per preset: a smoke run well under a minute.")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("bench-out"),
              show_default=True, help="Folder for report.md, results.json and the plots.")
@click.option("--processes", type=click.IntRange(min=0), default=os.cpu_count() or 1, show_default=True,
              help="Worker processes for the parallel throughput figure (0 skips it).")
@click.option("--docs", type=click.Path(dir_okay=False, path_type=Path),
              help="Also rewrite this file's generated section (e.g. docs/benchmarks.md) and copy the plots beside it.")
def bench(presets: tuple[str, ...], orders: int | None, seed: int, quick: bool, out: Path, processes: int,
          docs: Path | None) -> None:
    """Compare optimal with Magento's priority and distance, a consolidating greedy and the exact optimum."""
    console = Console(stderr=True)
    command = "oms " + " ".join(["bench", *sys.argv[2:]]) if len(sys.argv) > 1 else "oms bench"
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:

        def progress(label: str, total: int):  # type: ignore[no-untyped-def]
            task = bar.add_task(label, total=total)
            return lambda: bar.advance(task)

        runs, _ = run_suite(presets or DEFAULT_PRESETS, seed, orders, quick, out, processes=processes, docs=docs,
                            command=command, progress=progress)
    Console(width=None if sys.stdout.isatty() else 160).print(summary_table(runs))
    for run in runs:
        if run.skipped:
            console.print(f"[yellow]{run.name}: not run: {run.skipped}[/]")
        for strategy, problems in run.invalid.items():
            if problems:
                console.print(f"[red]{run.name}/{strategy}: {len(problems)} invalid plan(s), e.g. {problems[0]}[/]")
    console.print(f"report: {out / 'report.md'}, figures: {out / 'results.json'}, plots: {out / 'img'}")
    if any(problems for run in runs for problems in run.invalid.values()):
        sys.exit(1)


def summary_table(runs: list[PresetRun]) -> Table:
    table = Table(title="sourcing benchmark")
    for column in ("preset", "strategy", "units filled", "total cost", "vs optimal", "gap to LP", "ship/order",
                   "p50 ms", "p99 ms", "orders/s", "valid"):
        table.add_column(column, justify="right")
    for run in runs:
        if run.skipped:
            table.add_row(run.name, "not run", *[""] * 9)
            continue
        for strategy, s in run.summary.items():
            q = run.quality[strategy]
            vs = "1" if strategy == "optimal" else f"{q['cost_vs_optimal']:.3f}"
            lp = f"{q['gap_to_lp_pct']:.2f} %" if "gap_to_lp_pct" in q else ""
            table.add_row(run.name, strategy, str(s["units_filled"]), f"{s['total_cost']:.2f}", vs, lp,
                          f"{s['shipments_per_order']:.2f}", f"{s['latency_ms']['p50']:.2f}",
                          f"{s['latency_ms']['p99']:.2f}", f"{s['orders_per_s']:.0f}",
                          "yes" if not run.invalid[strategy] else f"{len(run.invalid[strategy])} bad")
    return table
