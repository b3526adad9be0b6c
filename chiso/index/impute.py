"""Impute missing values column by column (COINr ``i_mean``, ``i_median``, ``i_mean_grp``,
``i_median_grp``).

Statistics are taken per period and per indicator over the units present in that period;
the group methods take them over the units of the same group. A unit screened out earlier
(``present`` False) is neither used nor filled.
"""

from __future__ import annotations

import numpy as np

from . import _nan

__all__ = ["IMPUTE_METHODS", "impute"]

IMPUTE_METHODS = ("mean", "median", "group_mean", "group_median", "none")


def _stat(x: np.ndarray, how: str) -> np.ndarray:
    """Column statistic over units (axis 1) of a (periods, units, columns) array."""
    if how == "mean":
        return _nan.nanmean(x, axis=1)
    # np.nanmedian warns on all-NaN slices; an empty column simply stays missing.
    counts = _nan.count(x, axis=1)
    filled = np.where(np.isnan(x), np.inf, x)
    # Sorting puts NaN-turned-inf last, so the median of the first k values is the answer.
    s = np.sort(filled, axis=1)
    k = counts
    lo = np.take_along_axis(s, np.maximum((k - 1) // 2, 0)[:, None, :], axis=1)[:, 0, :]
    hi = np.take_along_axis(s, np.maximum(k // 2, 0)[:, None, :], axis=1)[:, 0, :]
    with np.errstate(invalid="ignore"):
        med = (lo + hi) / 2
    return np.where(k > 0, med, np.nan)


def impute(
    values: np.ndarray,
    present: np.ndarray,
    method: str,
    groups: np.ndarray | None = None,
) -> np.ndarray:
    """Fill the missing values of ``values`` (periods, units, columns).

    ``groups`` (periods, units) holds integer group ids (-1 = no group) for the group
    methods; a unit without a group, or a group with no data for that indicator, stays
    missing, as in COINr.
    """
    if method == "none":
        return values.copy()
    x = np.where(present[:, :, None], values, np.nan)
    missing = np.isnan(x) & present[:, :, None]
    if not missing.any():
        return x
    how = "mean" if method in ("mean", "group_mean") else "median"
    out = x.copy()
    if method in ("mean", "median"):
        fill = _stat(x, how)  # (T, C)
        out = np.where(missing, fill[:, None, :], out)
        return out
    if groups is None:
        raise ValueError(f"impute method {method} needs a group column")
    for g in np.unique(groups[groups >= 0]):
        in_g = (groups == g)[:, :, None]
        fill = _stat(np.where(in_g, x, np.nan), how)
        out = np.where(missing & in_g, fill[:, None, :], out)
    return out
