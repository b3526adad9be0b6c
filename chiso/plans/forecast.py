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
    """(slope, intercept), or None if every point has the same x."""
    x = np.asarray(xs, dtype=float)
    y = np.asarray(ys, dtype=float)
    slopes = _slopes(x, y)
    if np.all(np.isnan(slopes)):
        return None
    slope = float(np.nanmedian(slopes))
    return slope, float(np.median(y - slope * x))


def project(xs, ys, at: float, *, n_boot: int = 300, level: float = 0.8, seed: int = 0,
            bounds: tuple[float | None, float | None] = (None, None)) -> Forecast | None:
    """Theil–Sen trend of (xs, ys) evaluated at `at`, with a bootstrap interval.

    `bounds` clip the projection to what the metric allows (a rate stays within 0–100).
    `n_boot=0` skips the interval (the status of hundreds of targets needs only the
    central value). Returns None with fewer than `MIN_POINTS` distinct points in time.
    """
    x = np.asarray(xs, dtype=float)
    y = np.asarray(ys, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if len(np.unique(x)) < MIN_POINTS:
        return None
    fit = theil_sen(x, y)
    if fit is None:
        return None
    slope, intercept = fit
    lo_b, hi_b = bounds

    def clip(v):
        return np.clip(v, -np.inf if lo_b is None else lo_b, np.inf if hi_b is None else hi_b)

    value = float(clip(slope * at + intercept))
    low = high = None
    if n_boot > 0:
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
    return Forecast(xs=tuple(float(v) for v in x), ys=tuple(float(v) for v in y), slope=slope,
                    intercept=intercept, at=at, value=value, low=low, high=high, level=level)
