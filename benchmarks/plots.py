"""The report's four PNG plots (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from benchmarks.runner import STRATEGIES, PresetRun

COLOURS = {
    "optimal": "#1b7837",
    "priority": "#b2182b",
    "distance": "#ef8a62",
    "consolidating": "#2166ac",
    "exact MIP": "#444444",
    "LP bound": "#999999",
}
PLOTS = {
    "latency": "Latency per order, each strategy (cold first call excluded)",
    "cost": "Total cost relative to the exact optimum",
    "shipments": "Physical shipments per order",
    "size": "Latency against order size",
}


def draw_all(runs: list[PresetRun], folder: Path, prefix: str = "bench-") -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    ran = [r for r in runs if r.skipped is None]
    paths = {}
    for key, draw in (("latency", _latency), ("cost", _cost), ("shipments", _shipments), ("size", _size)):
        fig = draw(ran)
        path = folder / f"{prefix}{key}.png"
        fig.savefig(path, dpi=90, bbox_inches="tight")
        plt.close(fig)
        paths[key] = path
    return paths


def _latency(runs: list[PresetRun]) -> plt.Figure:
    fig, axes = plt.subplots(1, len(runs), figsize=(3.2 * len(runs), 3.0), sharey=True, squeeze=False)
    for ax, run in zip(axes[0], runs, strict=True):
        for strategy in STRATEGIES:
            lat = np.sort([r.latency_ms for r in run.records[strategy][1:]] or [np.nan])
            ax.plot(lat, np.linspace(0, 1, len(lat)), label=strategy, color=COLOURS[strategy])
        ax.set_xscale("log")
        ax.set_title(run.name)
        ax.set_xlabel("ms per order (log)")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("share of orders")
    axes[0][-1].legend(fontsize=7)
    fig.suptitle(PLOTS["latency"], fontsize=10, y=1.04)
    return fig


def _cost(runs: list[PresetRun]) -> plt.Figure:
    """Total shipping cost (not the objective: rule amounts are no money spent) over the exact plans' cost."""
    fig, ax = plt.subplots(figsize=(1.8 + 1.6 * len(runs), 3.0))
    names = [*STRATEGIES, "LP bound"]
    width = 0.8 / len(names)
    for k, name in enumerate(names):
        values = [_relative_cost(run, name) for run in runs]
        bars = ax.bar(np.arange(len(runs)) + k * width, values, width, label=name, color=COLOURS[name])
        # The small differences are the interesting ones: print them on the bars.
        labels = ["" if np.isnan(v) else f"{100 * (v - 1):+.1f}%" for v in values]
        ax.bar_label(bars, labels=labels, fontsize=5.5, rotation=90, padding=2)
    ax.axhline(1.0, color="black", lw=0.8)
    ax.set_xticks(np.arange(len(runs)) + width * (len(names) - 1) / 2, [r.name for r in runs])
    ax.set_ylabel("total cost / exact optimum's")
    lows = [_relative_cost(r, name) for r in runs for name in names]
    ax.set_ylim(min(0.95, *(v for v in lows if not np.isnan(v))), ax.get_ylim()[1] * 1.08)
    ax.legend(fontsize=7, ncol=2)
    ax.set_title(PLOTS["cost"] + " (stream presets: totals; LP bound where no rule amounts apply)", fontsize=10)
    return fig


def _relative_cost(run: PresetRun, name: str) -> float:
    exact = run.quality["exact"]
    best = exact["total_cost"]
    if not best:
        return np.nan
    if name == "LP bound":
        # the LP bounds the objective; it bounds the cost only where the two are the same
        same = abs(exact["total_objective"] - best) <= 1e-6 * max(1.0, abs(best))
        return exact["lp_bound"] / best if same else np.nan
    return run.summary[name]["total_cost"] / best


def _shipments(runs: list[PresetRun]) -> plt.Figure:
    fig, ax = plt.subplots(figsize=(1.8 + 1.6 * len(runs), 3.0))
    width = 0.8 / len(STRATEGIES)
    for k, strategy in enumerate(STRATEGIES):
        values = [run.summary[strategy]["shipments_per_order"] for run in runs]
        ax.bar(np.arange(len(runs)) + k * width, values, width, label=strategy, color=COLOURS[strategy])
    ax.set_xticks(np.arange(len(runs)) + width * (len(STRATEGIES) - 1) / 2, [r.name for r in runs])
    ax.set_ylabel("shipments per order")
    ax.legend(fontsize=7)
    ax.set_title(PLOTS["shipments"], fontsize=10)
    return fig


def _size(runs: list[PresetRun]) -> plt.Figure:
    fig, ax = plt.subplots(figsize=(6.0, 3.4))
    for strategy in ("priority", "consolidating", "optimal"):
        lines = [r.lines for run in runs for r in run.records[strategy][1:]]
        lat = [r.latency_ms for run in runs for r in run.records[strategy][1:]]
        jitter = np.exp(np.random.default_rng(0).uniform(-0.08, 0.08, len(lines)))  # separate stacked dots
        ax.scatter(np.array(lines) * jitter, lat, s=4, alpha=0.35, label=strategy, color=COLOURS[strategy])
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("lines in the order (log)")
    ax.set_ylabel("ms (log)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, markerscale=3)
    ax.set_title(PLOTS["size"] + " (all presets)", fontsize=10)
    return fig
