"""Real cities from the shipped tables: where sources stand and customers live."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from sourcing_engine.geo import haversine_km

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class Cities:
    names: list[str]
    countries: list[str]
    admin1: list[str]
    lat: np.ndarray
    lon: np.ndarray
    population: np.ndarray

    @property
    def size(self) -> int:
        return len(self.names)


@cache
def load_cities(region: str) -> Cities:
    path = DATA / f"cities_{region}.csv"
    if not path.exists():
        regions = sorted(p.stem.removeprefix("cities_") for p in DATA.glob("cities_*.csv"))
        raise ValueError(f"unknown region {region!r}; choose one of {', '.join(regions)}")
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return Cities(
        names=[r["name"] for r in rows],
        countries=[r["country"] for r in rows],
        admin1=[r["admin1"] for r in rows],
        lat=np.array([float(r["lat"]) for r in rows]),
        lon=np.array([float(r["lon"]) for r in rows]),
        population=np.array([int(r["population"]) for r in rows], dtype=np.int64),
    )


def spread_largest(cities: Cities, n: int, spacing_km: float) -> list[int]:
    """The largest cities, skipping any closer than ``spacing_km`` to one already chosen.

    Retailers put distribution centres near big metro areas and spread them
    out so that most customers are within a day or two of one.
    """
    chosen: list[int] = []
    for spacing in (spacing_km, spacing_km / 2, 0.0):
        for i in np.argsort(-cities.population, kind="stable"):
            if len(chosen) == n:
                return chosen
            i = int(i)
            if i in chosen:
                continue
            near = haversine_km(cities.lat[i], cities.lon[i], cities.lat[chosen], cities.lon[chosen])
            if chosen and near.min() < spacing:
                continue
            chosen.append(i)
    return chosen


def zone(cities: Cities, i: int) -> str:
    """A coarse region tag rules can refer to: US time-zone band, or the EU country."""
    if cities.countries[i] != "US":
        return cities.countries[i].lower()
    lon = cities.lon[i]
    return "west" if lon < -114 else "mountain" if lon < -101 else "central" if lon < -87 else "east"
