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

import threading
from dataclasses import dataclass

import numpy as np

from . import _nan
from ._parallel import for_each, threads

__all__ = ["TREAT_FALLBACKS", "TreatDetails", "log_ct", "treat"]

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


def _clip_rows(rows: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Each row of ``rows`` clipped to [lo, hi] (the Winsorised values; NaN stays NaN).

    Only values strictly outside the range are replaced, as the step-by-step loop does."""
    out = rows.copy()
    np.copyto(out, hi[:, None], where=rows > hi[:, None])
    np.copyto(out, lo[:, None], where=rows < lo[:, None])
    return out


def _winsorise_rows(
    rows: np.ndarray,
    mom: tuple[np.ndarray, ...],
    max_points: int,
    skew_t: float,
    kurt_t: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Winsorisation of every row of ``rows`` (columns, units), given their moments.

    Returns per row the Winsorised range ``[lo, hi]`` (clipping the row to it gives the
    Winsorised values: every point pulled in takes the value of a data point), the number of
    points Winsorised and whether the row passes afterwards.

    Only the few most extreme values matter: one sort per row gives the
    ``max_points + 1`` largest and smallest, and the statistics after each step follow from
    the power sums of the deviations, updated by the points that moved instead of
    recomputed over every unit. A row where this shortcut could decide differently from a
    direct computation (statistics within a hair of a threshold, ties running past the
    extreme values kept, cancellation in the updates, missing values) is Winsorised by the
    direct loop (:func:`_winsorise_direct`) instead, so the result is the same either way.
    """
    k, n_units = rows.shape
    lo = np.full(k, -np.inf)
    hi = np.full(k, np.inf)
    npts = np.zeros(k, dtype=np.intp)
    n, mean, m2, m3, m4 = mom
    skew, kurt = _nan.shape_stats(n, m2, m3, m4)
    undecided = np.isnan(skew) | np.isnan(kurt)
    passing = _passes(skew, kurt, skew_t, kurt_t) | undecided
    todo = np.flatnonzero(~passing)
    if max_points <= 0 or len(todo) == 0:
        return lo, hi, npts, passing
    n_keep = max_points + 1
    fast = (n[todo] == n_units) & (n_units >= 2 * n_keep + 2)
    slow = list(todo[~fast])
    idx = todo[fast]
    if len(idx):
        # A full (vectorised) sort of rows without NaN is faster than a partition; the
        # gathered copy is sorted in place, in parallel blocks of rows (each row's sort is
        # its own, so the blocks change nothing but the time).
        srt = np.empty((len(idx), n_units))

        def sort_block(sl: slice) -> None:
            srt[sl] = rows[idx[sl]]
            srt[sl].sort(axis=1)

        for_each(sort_block, _row_blocks(len(idx), n_units), values=srt.size)
        top = srt[:, :n_units - n_keep - 1:-1]  # descending
        bot = srt[:, :n_keep]  # ascending
        res = _winsorise_extremes(top, bot, n[idx], mean[idx], m2[idx], m3[idx], m4[idx],
                                  skew[idx], max_points, skew_t, kurt_t)
        ok, lo_f, hi_f, np_f, pass_f = res
        lo[idx[ok]], hi[idx[ok]] = lo_f[ok], hi_f[ok]
        npts[idx[ok]], passing[idx[ok]] = np_f[ok], pass_f[ok]
        slow += list(idx[~ok])
    if slow:
        cols = np.array(sorted(slow), dtype=np.intp)
        lo[cols], hi[cols], npts[cols], passing[cols] = _winsorise_direct(
            rows[cols].T, max_points, skew_t, kurt_t)
    return lo, hi, npts, passing


# A shortcut decision counts only this far from a threshold (relative), and only while the
# magnitudes added and removed by the updates stay below this multiple of the power sums
# (rounding is then below ~1e-9 relative, typically 1e-13); otherwise the direct loop
# decides.
_MARGIN = 1e-6
_CANCEL = 1e7


def _winsorise_extremes(
    top: np.ndarray, bot: np.ndarray, n: np.ndarray, mean: np.ndarray, m2: np.ndarray,
    m3: np.ndarray, m4: np.ndarray, skew: np.ndarray, max_points: int, skew_t: float,
    kurt_t: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The Winsorisation loop on the extreme values only (see :func:`_winsorise_rows`).

    ``top`` holds the ``max_points + 1`` largest values of each row (descending), ``bot``
    the smallest (ascending). Returns whether the shortcut could decide each row, then its
    range, points Winsorised and final check.
    """
    k, n_keep = top.shape
    rows = np.arange(k)

    # nxt[:, i]: position of the first value after i that differs from value i (n_keep if
    # the run of ties goes past the values kept).
    def next_distinct(v: np.ndarray) -> np.ndarray:
        nxt = np.full(v.shape, n_keep, dtype=np.intp)
        for i in range(n_keep - 2, -1, -1):
            nxt[:, i] = np.where(v[:, i + 1] != v[:, i], i + 1, nxt[:, i + 1])
        return nxt

    nxt_top, nxt_bot = next_distinct(top), next_distinct(bot)
    # Power sums of the deviations from the original mean (the first one is 0).
    s1 = np.zeros(k)
    s2, s3, s4 = m2.copy(), m3.copy(), m4.copy()
    # Sums of the magnitudes involved, to detect cancellation.
    e2, e3, e4 = m2.copy(), np.abs(m3), m4.copy()
    j_hi = np.zeros(k, dtype=np.intp)  # points pulled in at each end so far
    j_lo = np.zeros(k, dtype=np.intp)
    n_hi = np.zeros(k, dtype=np.intp)
    n_lo = np.zeros(k, dtype=np.intp)
    ok = np.ones(k, dtype=bool)
    passing = np.zeros(k, dtype=bool)
    active = np.ones(k, dtype=bool)
    sk = skew.copy()
    while active.any():
        high = sk >= 0
        j = np.where(high, j_hi, j_lo)
        g = np.where(high, nxt_top[rows, j], nxt_bot[rows, j])
        ok &= ~active | (g < n_keep)
        act = active & ok
        gi = np.minimum(g, n_keep - 1)
        vals = np.where(high[:, None], top, bot)
        cur = vals[rows, j] - mean
        new = vals[rows, gi] - mean
        m = np.where(act, g, 0).astype(float)
        c2, n2 = cur * cur, new * new
        s1 += m * (new - cur)
        s2 += m * (n2 - c2)
        s3 += m * (n2 * new - c2 * cur)
        s4 += m * (n2 * n2 - c2 * c2)
        e2 += m * (n2 + c2)
        e3 += m * (np.abs(n2 * new) + np.abs(c2 * cur))
        e4 += m * (n2 * n2 + c2 * c2)
        j_hi = np.where(act & high, g, j_hi)
        n_hi = np.where(act & high, g, n_hi)
        j_lo = np.where(act & ~high, g, j_lo)
        n_lo = np.where(act & ~high, g, n_lo)
        mu = s1 / n
        c2 = s2 - mu * s1
        c3 = s3 - 3 * mu * s2 + 3 * mu * mu * s1 - n * mu**3
        c4 = s4 - 4 * mu * s3 + 6 * mu * mu * s2 - 4 * mu**3 * s1 + n * mu**4
        with np.errstate(invalid="ignore", divide="ignore"):
            trust = (c2 > m2 * 1e-6) & (e2 < _CANCEL * np.abs(s2)) & (
                e3 < _CANCEL * np.abs(s3)) & (e4 < _CANCEL * np.abs(s4))
        sk_new, ku_new = _nan.shape_stats(n, c2, c3, c4)
        near = (np.abs(np.abs(sk_new) - skew_t) <= _MARGIN * (1 + abs(skew_t))) | (
            np.abs(ku_new - kurt_t) <= _MARGIN * (1 + abs(kurt_t)))
        ok &= ~act | (trust & ~near & np.isfinite(sk_new) & np.isfinite(ku_new))
        act &= ok
        sk = np.where(act, sk_new, sk)
        passing = np.where(act, _passes(sk_new, ku_new, skew_t, kurt_t), passing)
        active = act & ~passing & (n_hi + n_lo < max_points)
    hi = np.where(j_hi > 0, top[rows, j_hi], np.inf)
    lo = np.where(j_lo > 0, bot[rows, j_lo], -np.inf)
    return ok, lo, hi, n_hi + n_lo, passing


def _winsorise_direct(
    x: np.ndarray, max_points: int, skew_t: float, kurt_t: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The Winsorisation loop on whole columns of ``x`` (units, columns), recomputing the
    statistics over every unit after each step; returns per column the Winsorised range,
    the points Winsorised and the final check."""
    x = x.copy()
    lo = np.full(x.shape[1], -np.inf)
    hi = np.full(x.shape[1], np.inf)
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
        pulled = cols[~stuck]
        bound = (others * sign)[~stuck]
        hi[pulled] = np.where(high[~stuck], bound, hi[pulled])
        lo[pulled] = np.where(high[~stuck], lo[pulled], bound)
        n_hi[cols] = np.where(high & ~stuck, moved, n_hi[cols])
        n_lo[cols] = np.where(~high & ~stuck, moved, n_lo[cols])
        sk, ku = _nan.skew_kurt(s, axis=0)
        skew[cols], kurt[cols] = sk, ku
        undecided_now = np.isnan(sk) | np.isnan(ku)
        passing[cols] = _passes(sk, ku, skew_t, kurt_t)
        undecided[cols] = undecided_now
        done = passing[cols] | undecided_now | stuck | (n_hi[cols] + n_lo[cols] >= max_points)
        active[cols] = ~done
    return lo, hi, n_hi + n_lo, passing | undecided


def _row_blocks(k: int, n_units: int) -> list[slice]:
    """Blocks of rows for work spread over threads (two per thread: enough to even out the
    threads' work)."""
    n_blocks = max(1, min(2 * threads(), k))
    bounds = [k * b // n_blocks for b in range(n_blocks + 1)]
    return [slice(bounds[b], bounds[b + 1]) for b in range(n_blocks)]


def _treat_rows(
    rows: np.ndarray, mom: tuple[np.ndarray, ...], max_points: int, skew_t: float,
    kurt_t: float, fallback: str, bsk: np.ndarray, bku: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Treat the failing rows (rows, units) given their moments and statistics before
    (``bsk``, ``bku``, updated in place where the rows change). Returns the treated rows,
    the points Winsorised, where the fallback was applied, and the statistics after."""
    lo, hi, nw, passing = _winsorise_rows(rows, mom, max_points, skew_t, kurt_t)
    win = np.empty(rows.shape)
    blocks = _row_blocks(*rows.shape)

    def clip(sl: slice) -> None:
        win[sl] = _clip_rows(rows[sl], lo[sl], hi[sl])

    for_each(clip, blocks, values=rows.size)  # each row on its own: same result
    # Statistics after Winsorising, for the rows that keep it. A row that still fails
    # had defined statistics at its last step, so with the log fallback (which
    # replaces it) only the rows that now pass need them.
    done = (nw > 0) & (passing | (fallback != "log"))
    if done.any():
        bsk[done], bku[done] = _nan.skew_kurt(win[done], axis=1)
    # COINr: a column whose statistics become undefined is left untreated.
    undefined = np.isnan(bsk) | np.isnan(bku)
    win[undefined] = rows[undefined]
    nw = np.where(undefined, 0, nw)
    fb = ~passing & ~undefined & (fallback == "log")
    if fb.any():
        at = np.flatnonzero(fb)

        def log_block(sl: slice) -> None:  # each row on its own: same result
            win[at[sl]] = log_ct(rows[at[sl]], axis=1)

        for_each(log_block, _row_blocks(len(at), rows.shape[1]), values=len(at) * rows.shape[1])
        nw = np.where(fb, 0, nw)
        bsk[fb], bku[fb] = _nan.skew_kurt(win[fb], axis=1)
    return win, nw, fb, bsk, bku


def treat(
    values: np.ndarray,
    max_points: int = 5,
    skew: float = 2.0,
    kurtosis: float = 3.5,
    fallback: str = "log",
) -> tuple[np.ndarray, TreatDetails]:
    """Treat every (period, indicator) column of ``values`` (periods, units, columns).

    The statistics of all columns are computed vectorised (one period at a time); only the
    columns that fail the check, across all periods, are gathered into one (k, units) block
    and Winsorised together.
    """
    n_t, n_u, n_c = values.shape
    # One pass per period (periods spread over threads): copy the period into the output,
    # then take its statistics while it is in cache. The deviations go to two scratch
    # blocks per thread, reused from period to period rather than fresh temporaries.
    out = np.empty(values.shape)
    scratch: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # per thread
    mom = np.empty((5, n_t, n_c))  # count, mean, m2, m3, m4
    fail = np.zeros((n_t, n_c), dtype=bool)
    def period(t: int) -> None:
        block = out[t:t + 1]
        np.copyto(block, values[t:t + 1])
        tmp = scratch.get(threading.get_ident())
        if tmp is None:
            tmp = scratch[threading.get_ident()] = (np.empty(block.shape), np.empty(block.shape))
        for i, v in enumerate(_nan.moments(block, axis=1, scratch=tmp)):
            mom[i, t] = v[0]
        sk, ku = _nan.shape_stats(*mom[[0, 2, 3, 4], t])
        fail[t] = ~(_passes(sk, ku, skew, kurtosis) | np.isnan(sk) | np.isnan(ku))

    for_each(period, range(n_t), values=values.size)
    n0, mean0, m20, m30, m40 = mom
    sk0, ku0 = _nan.shape_stats(n0, m20, m30, m40)
    n_win = np.zeros(sk0.shape, dtype=np.intp)
    use_fallback = np.zeros(sk0.shape, dtype=bool)
    sk1, ku1 = sk0.copy(), ku0.copy()
    if fail.any():
        ti, ci = np.nonzero(fail)
        k = len(ti)
        # The failing columns are gathered into (k, units) rows and written back in
        # parallel blocks of rows (plain data movement). The statistics after treatment
        # are taken over all rows at once: np.einsum, behind them, may sum a batch of one
        # row in a different order than a larger batch, so the batches stay as they were.
        blocks = _row_blocks(k, n_u)
        rows = np.empty((k, n_u))

        def gather(sl: slice) -> None:
            rows[sl] = values[ti[sl], :, ci[sl]]

        for_each(gather, blocks, values=k * n_u)
        win, nw, fb, bsk, bku = _treat_rows(
            rows, tuple(m[ti, ci] for m in (n0, mean0, m20, m30, m40)), max_points, skew,
            kurtosis, fallback, sk0[ti, ci], ku0[ti, ci])

        def scatter(sl: slice) -> None:
            out[ti[sl], :, ci[sl]] = win[sl]

        for_each(scatter, blocks, values=k * n_u)
        changed = (nw > 0) | fb
        sk1[ti[changed], ci[changed]] = bsk[changed]
        ku1[ti[changed], ci[changed]] = bku[changed]
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
