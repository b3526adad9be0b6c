"""Fast, warning-free NaN-aware reductions.

``np.nanmean`` and friends warn on all-NaN slices, which are normal here (an indicator with no
data in one period, a unit screened out), and copy their input. These helpers return NaN
silently, take the NaN mask when the caller already has it, and skip the masking work when
the data have no NaN (the usual case after imputation): on (periods, units, columns) arrays
of millions of values every avoided pass counts.
"""

from __future__ import annotations

import numpy as np


def count(x: np.ndarray, axis: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Number of non-NaN values along ``axis``."""
    mask = np.isnan(x) if mask is None else mask
    return x.shape[axis] - mask.sum(axis=axis)


def zero_nan(x: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """``x`` with NaN replaced by 0 (``x`` itself, not a copy, when it has no NaN)."""
    mask = np.isnan(x) if mask is None else mask
    if not mask.any():
        return x
    out = x.copy()
    out[mask] = 0.0
    return out


def nanmean(x: np.ndarray, axis: int, mask: np.ndarray | None = None) -> np.ndarray:
    """Mean ignoring NaN; NaN for an all-NaN slice."""
    mask = np.isnan(x) if mask is None else mask
    n = count(x, axis, mask)
    with np.errstate(invalid="ignore", divide="ignore"):
        return zero_nan(x, mask).sum(axis=axis) / n  # 0/0 -> NaN for an empty slice


def nanstd(x: np.ndarray, axis: int, ddof: int = 1) -> np.ndarray:
    """Standard deviation ignoring NaN (sample sd by default, as R's ``sd``)."""
    mask = np.isnan(x)
    n = count(x, axis, mask)
    dev = zero_nan(x - np.expand_dims(nanmean(x, axis, mask), axis), mask)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = _dot(dev, dev, axis) / (n - ddof)
    return np.where(n > ddof, np.sqrt(var), np.nan)


def nanmin(x: np.ndarray, axis: int) -> np.ndarray:
    """Minimum ignoring NaN; NaN for an all-NaN slice (``fmin`` skips NaN, no copy)."""
    return np.fmin.reduce(x, axis=axis)


def nanmax(x: np.ndarray, axis: int) -> np.ndarray:
    """Maximum ignoring NaN; NaN for an all-NaN slice."""
    return np.fmax.reduce(x, axis=axis)


def _dot(a: np.ndarray, b: np.ndarray, axis: int) -> np.ndarray:
    """``(a * b).sum(axis)`` without the temporary product array."""
    letters = "abcdefgh"[: a.ndim]
    out = letters.replace(letters[axis % a.ndim], "")
    return np.einsum(f"{letters},{letters}->{out}", a, b)


def moments(
    x: np.ndarray, axis: int = 0, scratch: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Count, mean and the sums of the 2nd, 3rd and 4th powers of the deviations from the
    mean along ``axis``, ignoring NaN (the ingredients of :func:`skew_kurt`).

    ``scratch``: two arrays of the shape of ``x`` for the deviations and their squares, so
    that a caller going block by block reuses them (same numbers, fewer fresh pages)."""
    # The plain sums show whether there is any NaN (a NaN sum); only then is a mask needed.
    with np.errstate(invalid="ignore", over="ignore"):
        total = x.sum(axis=axis)
    has_nan = bool(np.isnan(total).any())
    if has_nan:
        mask = np.isnan(x)
        has_nan = bool(mask.any())  # False if the NaN sum came from inf - inf
        if has_nan:
            total = zero_nan(x, mask).sum(axis=axis)
    n = count(x, axis, mask).astype(float) if has_nan else np.full(
        np.delete(x.shape, axis % x.ndim), float(x.shape[axis]))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.expand_dims(total / n, axis)
    d = np.subtract(x, mean, out=None if scratch is None else scratch[0])
    if has_nan:
        d[mask] = 0.0
    d2 = np.multiply(d, d, out=None if scratch is None else scratch[1])
    m2 = d2.sum(axis=axis)
    m3 = _dot(d2, d, axis)
    m4 = _dot(d2, d2, axis)
    return n, np.squeeze(mean, axis), m2, m3, m4


def shape_stats(
    n: np.ndarray, m2: np.ndarray, m3: np.ndarray, m4: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Skewness G1 and excess kurtosis G2 from the count and the central power sums."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
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


def skew_kurt(x: np.ndarray, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Bias-corrected sample skewness G1 and excess kurtosis G2 along ``axis``, ignoring NaN.

    The same definitions as ``pandas.Series.skew()``/``.kurt()``, Excel SKEW/KURT and
    e1071 type 2, which COINr's ``check_SkewKurt`` uses. NaN when there are fewer than 3
    (skew) or 4 (kurtosis) values or when the values are all equal.
    """
    n, _, m2, m3, m4 = moments(x, axis)
    return shape_stats(n, m2, m3, m4)
