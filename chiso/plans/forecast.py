"""Where a target's metric is heading: a robust straight-line trend projected to the deadline.

Plans' series are short (a few half-years or quarters) and noisy, with the odd outlier
(a quarter entered as a count instead of a rate, a commune that reported late), so the
trend is Theil–Sen: the median of the slopes between every pair of points, and the median
intercept. One bad point moves it little, where least squares would swing. The
uncertainty is a bootstrap over the points (resampled with replacement, the trend
refitted each time), reported as a central interval of the projected values.

Pure NumPy, no Django: `chiso.plans.status` and the target page call it with plain lists.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass

import numpy as np

MIN_POINTS = 3  # two points make a line but say nothing about its reliability


@dataclass(frozen=True)
class Forecast:
    xs: tuple[float, ...]  # decimal years of the observed points
    ys: tuple[float, ...]
    slope: float  # per year
    intercept: float
    at: float  # decimal year of the deadline
    value: float  # projected value at the deadline
    low: float | None  # interval of the projection (None without bootstrap)
    high: float | None
    level: float  # coverage of [low, high]

    def predict(self, x: float) -> float:
        return self.slope * x + self.intercept


def decimal_year(day: dt.date) -> float:
    """31/12/2025 → 2025.997…: dates on one axis, a year apart per unit."""
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def _slopes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pairwise slopes over the last axis; NaN where two points share an x."""
    dx = x[..., None, :] - x[..., :, None]
    dy = y[..., None, :] - y[..., :, None]
    n = x.shape[-1]
    upper = np.triu(np.ones((n, n), dtype=bool), k=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(upper & (dx != 0), dy / np.where(dx == 0, 1, dx), np.nan)
    return s.reshape(*x.shape[:-1], n * n)


def theil_sen(xs, ys) -> tuple[float, float] | None:
    """(slope, intercept), or None if every point has the same x.

    Plain Python: a plan's series has tens of points at most, and NumPy's per-call
    overhead would dominate when the statuses of hundreds of targets are computed."""
    x = [float(v) for v in xs]
    y = [float(v) for v in ys]
    n = len(x)
    slopes = [(y[j] - y[i]) / (x[j] - x[i]) for i in range(n) for j in range(i + 1, n)
              if x[j] != x[i]]
    if not slopes:
        return None
    slope = statistics.median(slopes)
    return slope, statistics.median([yi - slope * xi for xi, yi in zip(x, y, strict=True)])


def project(xs, ys, at: float, *, n_boot: int = 300, level: float = 0.8, seed: int = 0,
            bounds: tuple[float | None, float | None] = (None, None)) -> Forecast | None:
    """Theil–Sen trend of (xs, ys) evaluated at `at`, with a bootstrap interval.

    `bounds` clip the projection to what the metric allows (a rate stays within 0–100).
    `n_boot=0` skips the interval (the status of hundreds of targets needs only the
    central value). Returns None with fewer than `MIN_POINTS` distinct points in time.
    """
    pairs = [(float(a), float(b)) for a, b in zip(xs, ys, strict=True)
             if math.isfinite(a) and math.isfinite(b)]
    if len({a for a, _b in pairs}) < MIN_POINTS:
        return None
    fit = theil_sen([a for a, _b in pairs], [b for _a, b in pairs])
    if fit is None:
        return None
    slope, intercept = fit
    lo_b, hi_b = bounds

    def clip(v):
        return np.clip(v, -np.inf if lo_b is None else lo_b, np.inf if hi_b is None else hi_b)

    value = slope * at + intercept
    value = max(value, lo_b) if lo_b is not None else value
    value = min(value, hi_b) if hi_b is not None else value
    low = high = None
    if n_boot > 0:
        x = np.array([a for a, _b in pairs])
        y = np.array([b for _a, b in pairs])
        rng = np.random.default_rng(seed)
        idx = rng.integers(0, len(x), size=(n_boot, len(x)))
        bx, by = x[idx], y[idx]
        slopes = _slopes(bx, by)
        valid = ~np.all(np.isnan(slopes), axis=1)  # a resample of one repeated x has no slope
        if valid.sum() >= 10:
            s = np.nanmedian(slopes[valid], axis=1)
            b = np.median(by[valid] - s[:, None] * bx[valid], axis=1)
            projected = clip(s * at + b)
            tail = (1 - level) / 2
            low, high = (float(q) for q in np.quantile(projected, [tail, 1 - tail]))
            # The central fit lies inside its own interval even when resamples skew it.
            low, high = min(low, value), max(high, value)
    return Forecast(xs=tuple(a for a, _b in pairs), ys=tuple(b for _a, b in pairs), slope=slope,
                    intercept=intercept, at=at, value=value, low=low, high=high, level=level)
