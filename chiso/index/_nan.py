"""Warning-free NaN-aware reductions.

``np.nanmean`` and friends warn on all-NaN slices, which are normal here (an indicator with no
data in one period, a unit screened out). These helpers return NaN silently instead and are
written with plain sums so they stay fast on (periods, units, columns) arrays.
"""

from __future__ import annotations

import numpy as np


def count(x: np.ndarray, axis: int) -> np.ndarray:
    """Number of non-NaN values along ``axis``."""
    return np.sum(~np.isnan(x), axis=axis)


def nansum(x: np.ndarray, axis: int) -> np.ndarray:
    """Sum ignoring NaN (0 for an all-NaN slice)."""
    return np.where(np.isnan(x), 0.0, x).sum(axis=axis)


def nanmean(x: np.ndarray, axis: int) -> np.ndarray:
    """Mean ignoring NaN; NaN for an all-NaN slice."""
    n = count(x, axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, nansum(x, axis) / np.maximum(n, 1), np.nan)


def nanstd(x: np.ndarray, axis: int, ddof: int = 1) -> np.ndarray:
    """Standard deviation ignoring NaN (sample sd by default, as R's ``sd``)."""
    n = count(x, axis)
    m = np.expand_dims(nanmean(x, axis), axis)
    dev = np.where(np.isnan(x), 0.0, x - m)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = (dev * dev).sum(axis=axis) / (n - ddof)
    return np.where(n > ddof, np.sqrt(var), np.nan)


def nanmin(x: np.ndarray, axis: int) -> np.ndarray:
    """Minimum ignoring NaN; NaN for an all-NaN slice."""
    out = np.where(np.isnan(x), np.inf, x).min(axis=axis)
    return np.where(count(x, axis) > 0, out, np.nan)


def nanmax(x: np.ndarray, axis: int) -> np.ndarray:
    """Maximum ignoring NaN; NaN for an all-NaN slice."""
    out = np.where(np.isnan(x), -np.inf, x).max(axis=axis)
    return np.where(count(x, axis) > 0, out, np.nan)


def skew_kurt(x: np.ndarray, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Bias-corrected sample skewness G1 and excess kurtosis G2 along ``axis``, ignoring NaN.

    The same definitions as ``pandas.Series.skew()``/``.kurt()``, Excel SKEW/KURT and
    e1071 type 2, which COINr's ``check_SkewKurt`` uses. NaN when there are fewer than 3
    (skew) or 4 (kurtosis) values or when the values are all equal.
    """
    n = count(x, axis).astype(float)
    m = np.expand_dims(nanmean(x, axis), axis)
    d = np.where(np.isnan(x), 0.0, x - m)
    d2 = d * d
    m2 = d2.sum(axis=axis)
    m3 = (d2 * d).sum(axis=axis)
    m4 = (d2 * d2).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        # g1 = sqrt(n) * m3 / m2^1.5 (population), corrected by sqrt(n(n-1))/(n-2)
        g1 = np.sqrt(n) * m3 / m2**1.5
        skew = g1 * np.sqrt(n * (n - 1)) / (n - 2)
        r = n * m4 / (m2 * m2)
        kurt = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    # An all-equal column has m2 == 0: no shape to speak of.
    flat = m2 <= 0
    skew = np.where((n < 3) | flat, np.nan, skew)
    kurt = np.where((n < 4) | flat, np.nan, kurt)
    return skew, kurt
