"""Seeded draws built on one primitive, so that a seed means the same instance everywhere.

numpy promises a stable bit stream for ``PCG64`` and ``SeedSequence`` but
not for ``Generator`` methods such as ``choice`` or ``multinomial``; every
draw here is therefore made from uniform doubles by inverse CDF, which only
depends on the bit stream.  Each part of an instance (network, catalogue,
stock, orders) gets its own stream, so asking for more orders never changes
the network.
"""

from __future__ import annotations

import math

import numpy as np

STREAMS = {"network": 1, "catalogue": 2, "stock": 3, "orders": 4}


class Draws:
    def __init__(self, seed: int, stream: str) -> None:
        self._bits = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, STREAMS[stream]])))

    def uniform(self, n: int | None = None) -> np.ndarray | float:
        return self._bits.random(n) if n is not None else float(self._bits.random())

    def bernoulli(self, p: float, n: int) -> np.ndarray:
        return self._bits.random(n) < p

    def integer(self, low: int, high: int) -> int:
        """Uniform on ``low..high`` inclusive."""
        return low + min(high - low, int(self.uniform() * (high - low + 1)))

    def categorical(self, cdf: np.ndarray, n: int) -> np.ndarray:
        """Indices drawn with the probabilities whose cumulative sum is ``cdf``."""
        picks = np.searchsorted(cdf, self._bits.random(n) * cdf[-1], side="right")
        return np.minimum(picks, len(cdf) - 1)

    def distinct(self, cdf: np.ndarray, n: int, exclude: set[int] | None = None) -> list[int]:
        """``n`` distinct indices by probability (without replacement, by rejection)."""
        taken = set(exclude or ())
        out: list[int] = []
        limit = len(cdf) - len(taken)
        while len(out) < min(n, limit):
            for k in self.categorical(cdf, 2 * (n - len(out)) + 2):
                k = int(k)
                if k not in taken and len(out) < n:
                    taken.add(k)
                    out.append(k)
        return out

    def split(self, units: int, cdf: np.ndarray) -> np.ndarray:
        """``units`` spread over the categories of ``cdf`` (a multinomial draw)."""
        return np.bincount(self.categorical(cdf, units), minlength=len(cdf))

    def exponential(self, mean: float) -> float:
        return -mean * math.log(1.0 - self.uniform())

    def jitter(self, lat: float, lon: float, km: float) -> tuple[float, float]:
        """A point uniformly within ``km`` of (lat, lon)."""
        r = km * math.sqrt(self.uniform())
        theta = 2 * math.pi * self.uniform()
        dlat = r * math.cos(theta) / 111.2
        dlon = r * math.sin(theta) / (111.2 * max(0.2, math.cos(math.radians(lat))))
        return round(lat + dlat, 5), round(lon + dlon, 5)


def cdf_of(weights: np.ndarray) -> np.ndarray:
    return np.cumsum(np.asarray(weights, dtype=float))
