"""Sourcing latency percentiles for the dashboard, estimated from the Prometheus histogram the API keeps.

The histogram (``oms_sourcing_duration_seconds``) counts plans per bucket;
a percentile is estimated as Prometheus' ``histogram_quantile`` does: by
linear interpolation inside the bucket that holds it.  Under gunicorn the
workers' histograms are added up through ``PROMETHEUS_MULTIPROC_DIR``.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from prometheus_client import REGISTRY, CollectorRegistry, multiprocess

METRIC = "oms_sourcing_duration_seconds"


@dataclass(frozen=True, slots=True)
class Latency:
    plans: int
    p50_ms: float
    p99_ms: float


def sourcing_latency() -> Latency | None:
    """p50 and p99 of the engine's sourcing time since the service started; None before the first plan."""
    buckets = _buckets()
    total = buckets[-1][1] if buckets else 0
    if total <= 0:
        return None
    return Latency(int(total), quantile(0.5, buckets) * 1000, quantile(0.99, buckets) * 1000)


def _buckets() -> list[tuple[float, float]]:
    """(upper bound, cumulative count) over every label set, by bound."""
    registry = REGISTRY
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    counts: dict[float, float] = {}
    for family in registry.collect():
        if family.name != METRIC:
            continue
        for sample in family.samples:
            if sample.name == f"{METRIC}_bucket":
                bound = float(sample.labels["le"])
                counts[bound] = counts.get(bound, 0.0) + sample.value
    return sorted(counts.items())


def quantile(q: float, buckets: list[tuple[float, float]]) -> float:
    """The q-quantile of cumulative ``buckets`` (the last bound may be +Inf: then the largest finite bound)."""
    total = buckets[-1][1]
    rank = q * total
    lower_bound, lower_count = 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if math.isinf(bound):
                return lower_bound
            if count == lower_count:
                return bound
            return lower_bound + (bound - lower_bound) * (rank - lower_count) / (count - lower_count)
        lower_bound, lower_count = bound, count
    return lower_bound
