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
        others = _nan.nanmax(np.where(at_top, np.nan, s), axis=0)
        stuck = np.isnan(others)  # every value equal: nothing left to pull in
        s = np.where(at_top & ~stuck, others, s)
        s *= sign
        x[:, cols] = s
        moved = at_top.sum(axis=0)
        n_hi[cols] = np.where(high & ~stuck, moved, n_hi[cols])
        n_lo[cols] = np.where(~high & ~stuck, moved, n_lo[cols])
        sk, ku = _nan.skew_kurt(s, axis=0)
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
    """Treat every (period, indicator) column of ``values`` (periods, units, columns).

    The statistics of all columns are computed vectorised (one period at a time); only the
    columns that fail the check, across all periods, are gathered into one (units, k) block
    and Winsorised together.
    """
    # Statistics period by period: temporaries stay the size of one period.
    stats = [_nan.skew_kurt(values[t:t + 1], axis=1) for t in range(values.shape[0])]
    sk0 = np.concatenate([s for s, _ in stats]) if stats else np.empty((0, values.shape[2]))
    ku0 = np.concatenate([k for _, k in stats]) if stats else np.empty((0, values.shape[2]))
    undecided = np.isnan(sk0) | np.isnan(ku0)
    fail = ~(_passes(sk0, ku0, skew, kurtosis) | undecided)
    out = values.copy()
    n_win = np.zeros(sk0.shape, dtype=np.intp)
    use_fallback = np.zeros(sk0.shape, dtype=bool)
    sk1, ku1 = sk0.copy(), ku0.copy()
    if fail.any():
        ti, ci = np.nonzero(fail)
        block = values[ti, :, ci].T  # (units, k): one column per failing (period, indicator)
        win, nw, passing = winsorise(block, max_points, skew, kurtosis)
        bsk, bku = _nan.skew_kurt(win, axis=0)
        # COINr: a column whose statistics become undefined is left untreated.
        undefined = np.isnan(bsk) | np.isnan(bku)
        win[:, undefined] = block[:, undefined]
        nw = np.where(undefined, 0, nw)
        fb = ~passing & ~undefined & (fallback == "log")
        if fb.any():
            win[:, fb] = log_ct(block[:, fb], axis=0)
            nw = np.where(fb, 0, nw)
        changed = (nw > 0) | fb
        if changed.any():
            bsk2, bku2 = _nan.skew_kurt(win[:, changed], axis=0)
            sk1[ti[changed], ci[changed]] = bsk2
            ku1[ti[changed], ci[changed]] = bku2
        out[ti, :, ci] = win.T
        n_win[ti, ci] = nw
        use_fallback[ti, ci] = fb
    details = TreatDetails(
        skew_before=sk0,
        kurt_before=ku0,
        winsorised=n_win,
        fallback=use_fallback,
        skew_after=sk1,
        kurt_after=ku1,
    )
    return out, details
