"""Outlier treatment, COINr's default ``Treat``.

Per indicator (and per period in a panel): if |skew| >= ``skew`` and kurtosis >= ``kurtosis``
(bias-corrected G1/G2), Winsorise one step at a time: at the end the skew points to, every
point equal to the current extreme is pulled in to the next value. Count the points pulled in
(the end moved last plus the other end if it was moved earlier) and check again; stop when
the indicator passes or the count reaches ``max_points``. If it still fails, discard the
Winsorisation and apply the fallback (COINr ``log_CT``: ``ln(x - min + 0.01 (max - min))``)
to the original values.

All columns that need treatment are Winsorised together, one step per loop iteration, so
the Python loop runs at most ``max_points`` times whatever the number of indicators.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _nan

__all__ = ["TREAT_FALLBACKS", "TreatDetails", "log_ct", "treat", "winsorise"]

TREAT_FALLBACKS = ("log", "none")


@dataclass
class TreatDetails:
    """What the treatment did, one entry per (period, indicator)."""

    skew_before: np.ndarray
    kurt_before: np.ndarray
    winsorised: np.ndarray  # points Winsorised (0 if none or if the fallback replaced them)
    fallback: np.ndarray  # True where the fallback transformation was applied
    skew_after: np.ndarray
    kurt_after: np.ndarray


def _passes(skew: np.ndarray, kurt: np.ndarray, skew_t: float, kurt_t: float) -> np.ndarray:
    # COINr check_SkewKurt: pass if |skew| < threshold OR kurtosis < threshold.
    return (np.abs(skew) < skew_t) | (kurt < kurt_t)


def log_ct(x: np.ndarray, axis: int = 0) -> np.ndarray:
    """COINr ``log_CT``: ``ln(x - min(x) + 0.01 (max(x) - min(x)))`` along ``axis``."""
    lo = np.expand_dims(_nan.nanmin(x, axis), axis)
    hi = np.expand_dims(_nan.nanmax(x, axis), axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x - lo + 0.01 * (hi - lo))


def winsorise(
    x: np.ndarray, max_points: int, skew_t: float, kurt_t: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Winsorise the columns of ``x`` (units, columns) that fail the skew/kurtosis check.

    Returns the Winsorised copy, the number of points Winsorised per column and whether each
    column passes afterwards (NaN statistics count as "cannot tell", reported as passing,
    because COINr leaves such a column untreated).
    """
    x = x.copy()
    skew, kurt = _nan.skew_kurt(x, axis=0)
    undecided = np.isnan(skew) | np.isnan(kurt)
    passing = _passes(skew, kurt, skew_t, kurt_t) | undecided
    n_hi = np.zeros(x.shape[1], dtype=np.intp)
    n_lo = np.zeros(x.shape[1], dtype=np.intp)
    active = ~passing & (max_points > 0)
    while active.any():
        cols = np.flatnonzero(active)
        sub = x[:, cols]
        high = skew[cols] >= 0
        # High end: points at the max take the largest other value; low end: mirror image.
        # Flipping the sign of low-end columns lets one code path handle both ends.
        sign = np.where(high, 1.0, -1.0)
        s = sub * sign
        top = _nan.nanmax(s, axis=0)
        at_top = s == top
        others = np.where(at_top | np.isnan(s), -np.inf, s).max(axis=0)
        stuck = ~np.isfinite(others)  # every value equal: nothing left to pull in
        s = np.where(at_top & ~stuck, others, s)
        x[:, cols] = s * sign
        moved = at_top.sum(axis=0)
        n_hi[cols] = np.where(high & ~stuck, moved, n_hi[cols])
        n_lo[cols] = np.where(~high & ~stuck, moved, n_lo[cols])
        sk, ku = _nan.skew_kurt(x[:, cols], axis=0)
        skew[cols], kurt[cols] = sk, ku
        undecided_now = np.isnan(sk) | np.isnan(ku)
        passing[cols] = _passes(sk, ku, skew_t, kurt_t)
        undecided[cols] = undecided_now
        done = passing[cols] | undecided_now | stuck | (n_hi[cols] + n_lo[cols] >= max_points)
        active[cols] = ~done
    return x, n_hi + n_lo, passing | undecided


def treat(
    values: np.ndarray,
    max_points: int = 5,
    skew: float = 2.0,
    kurtosis: float = 3.5,
    fallback: str = "log",
) -> tuple[np.ndarray, TreatDetails]:
    """Treat every (period, indicator) column of ``values`` (periods, units, columns)."""
    t, n, c = values.shape
    # (units, periods*columns): every period of every indicator is one independent column.
    flat = values.transpose(1, 0, 2).reshape(n, t * c)
    sk0, ku0 = _nan.skew_kurt(flat, axis=0)
    out, n_win, passing = winsorise(flat, max_points, skew, kurtosis)
    # COINr: a column whose statistics become undefined after Winsorising is left untreated.
    sk1, ku1 = _nan.skew_kurt(out, axis=0)
    undefined = (np.isnan(sk1) | np.isnan(ku1)) & ~(np.isnan(sk0) | np.isnan(ku0))
    out[:, undefined] = flat[:, undefined]
    n_win = np.where(undefined, 0, n_win)
    use_fallback = ~passing & (fallback == "log")
    if use_fallback.any():
        cols = np.flatnonzero(use_fallback)
        out[:, cols] = log_ct(flat[:, cols], axis=0)
        n_win = np.where(use_fallback, 0, n_win)
    sk2, ku2 = _nan.skew_kurt(out, axis=0)
    result = out.reshape(n, t, c).transpose(1, 0, 2).copy()
    details = TreatDetails(
        skew_before=sk0.reshape(t, c),
        kurt_before=ku0.reshape(t, c),
        winsorised=n_win.reshape(t, c),
        fallback=use_fallback.reshape(t, c),
        skew_after=sk2.reshape(t, c),
        kurt_after=ku2.reshape(t, c),
    )
    return result, details
