"""Impute missing values column by column (COINr ``i_mean``, ``i_median``, ``i_mean_grp``,
``i_median_grp``).

Statistics are taken per period and per indicator over the units present in that period;
the group methods take them over the units of the same group. A unit screened out earlier
(``present`` False) is neither used nor filled.
"""

from __future__ import annotations

import numpy as np

from . import _nan
from ._parallel import for_each

__all__ = ["IMPUTE_METHODS", "impute"]

IMPUTE_METHODS = ("mean", "median", "group_mean", "group_median", "none")


def _median(x: np.ndarray) -> np.ndarray:
    """Column median over units (axis 1) of a (periods, units, columns) array, ignoring NaN;
    the two middle values are averaged, as R's ``median``. NaN for an empty column."""
    counts = _nan.count(x, axis=1)
    # NaN sorts last, so the median of the first k sorted values is the answer.
    s = np.sort(x, axis=1)
    lo = np.take_along_axis(s, np.maximum((counts - 1) // 2, 0)[:, None, :], axis=1)[:, 0, :]
    hi = np.take_along_axis(s, np.maximum(counts // 2, 0)[:, None, :], axis=1)[:, 0, :]
    with np.errstate(invalid="ignore"):
        med = (lo + hi) / 2
    return np.where(counts > 0, med, np.nan)


def _impute_mean_period(x: np.ndarray, present: np.ndarray, y: np.ndarray) -> None:
    """Mean imputation of one period ``x`` (units, columns) into ``y`` (same shape).

    Missing values are few, so the work is on their flat positions (counts by
    ``bincount``, one scatter) rather than on full-size masks, which cost several times a
    plain pass. The column sums are taken over ``y`` with the missing values set to 0, in
    the same order as a plain column sum, so the result does not depend on the blocking.
    """
    np.copyto(y, x)
    absent = ~present
    any_absent = bool(absent.any())
    if any_absent:
        y[absent] = np.nan
    flat = y.reshape(-1)
    idx = np.flatnonzero(np.isnan(flat))
    if len(idx) == 0:
        return
    n_u, n_c = y.shape
    c = idx % n_c
    counts = n_u - np.bincount(c, minlength=n_c)
    flat[idx] = 0.0
    sums = y.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        fill = sums / counts  # 0/0 -> NaN for an empty column
    if any_absent:  # absent units stay empty
        keep = present[idx // n_c]
        flat[idx[~keep]] = np.nan
        idx, c = idx[keep], c[keep]
    flat[idx] = fill[c]


def impute(
    values: np.ndarray,
    present: np.ndarray,
    method: str,
    groups: np.ndarray | None = None,
) -> np.ndarray:
    """Fill the missing values of ``values`` (periods, units, columns); returns a new array.

    ``groups`` (periods, units) holds integer group ids (-1 = no group) for the group
    methods; a unit without a group, or a group with no data for that indicator, stays
    missing, as in COINr.
    """
    if method == "mean":
        # One period at a time into a preallocated output (periods spread over threads):
        # the period's 6 MB (5,000 units x 150 indicators) stay in cache between the copy,
        # the NaN search, the sums and the fill, instead of each pass streaming the whole
        # panel from memory.
        out = np.empty(values.shape)  # C order: each period is a contiguous block
        for_each(lambda t: _impute_mean_period(values[t], present[t], out[t]),
                 range(values.shape[0]), values=values.size)
        return out
    absent = ~present
    out = values.copy()
    if absent.any():
        out[absent] = np.nan
    if method == "none":
        return out
    # Missing values are few: work with their flat positions rather than full-size masks.
    flat = out.reshape(-1)
    idx = np.flatnonzero(np.isnan(flat))
    if len(idx) == 0:
        return out
    n_t, n_u, n_c = out.shape
    t, rest = np.divmod(idx, n_u * n_c)
    c = rest % n_c
    tc = t * n_c + c  # (period, column) of each missing value, flattened
    if method == "median":
        fill = _median(out)
        if absent.any():  # absent units stay empty
            keep = present[t, rest // n_c]
            idx, tc = idx[keep], tc[keep]
        flat[idx] = fill.reshape(-1)[tc]
        return out
    nan = np.isnan(out)
    missing = nan & present[:, :, None]
    if groups is None:
        raise ValueError(f"impute method {method} needs a group column")
    ids = np.unique(groups[groups >= 0])
    if method == "group_mean":
        # Sums and counts of every group at once: (T, K, N) one-hot @ (T, N, C).
        onehot = (groups[:, None, :] == ids[None, :, None]).astype(float)
        sums = onehot @ _nan.zero_nan(out, nan)
        counts = onehot @ (~nan).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = sums / counts  # (T, K, C); 0/0 -> NaN for a group without data
        pos = np.searchsorted(ids, groups)
        pos = np.where(groups >= 0, np.minimum(pos, max(len(ids) - 1, 0)), 0)
        fill = np.take_along_axis(means, pos[:, :, None], axis=1) if len(ids) else None
        if fill is not None:
            # a unit without a group gets nothing
            no_group = (groups < 0)[:, :, None]
            np.copyto(out, fill, where=missing & ~no_group)
        return out
    for g in ids:
        in_g = (groups == g)[:, :, None]
        fill = _median(np.where(in_g, out, np.nan))
        np.copyto(out, fill[:, None, :], where=missing & in_g)
    return out
