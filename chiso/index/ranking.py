"""Ranking, bands, period-over-period change, strengths and weaknesses.

Pure NumPy, no Django. The ranking convention is the one used by the published DTI tables
(DTI.md, "ranking sorts by value, descending; ties share a rank and the next rank is skipped
(1, 2, ..., 15, 15, 17 in 2022)"), i.e. "min" (competition) ranking.
"""

from __future__ import annotations

import numpy as np

__all__ = ["rank_min"]


def rank_min(values: np.ndarray, axis: int = 0, descending: bool = True) -> np.ndarray:
    """Competition ("min") ranks along ``axis``, as floats.

    * ties share the lowest rank and the following ranks are skipped: 1, 2, 15, 15, 17;
    * a NaN value gets a NaN rank and does not take a rank from anyone else;
    * ``descending=True`` gives rank 1 to the largest value (the DTI convention).

    Works on any number of dimensions, e.g. ``(periods, units)`` with ``axis=1`` ranks the
    units within each period. Fully vectorised: one sort along the axis, no per-unit loop.
    """
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 0:
        raise ValueError("rank_min cần mảng ít nhất 1 chiều / rank_min needs an array with ndim >= 1")
    moved = np.moveaxis(arr, axis, -1)
    nan = np.isnan(moved)
    # Sorting the negated values gives a descending order while np.sort still puts NaN last.
    key = -moved if descending else moved
    order = np.argsort(key, axis=-1, kind="stable")
    ordered = np.take_along_axis(key, order, axis=-1)
    n = ordered.shape[-1]
    if n == 0:
        return np.moveaxis(np.empty(moved.shape, dtype=float), -1, axis)
    # A position starts a new tie group when its value differs from the previous one;
    # the rank of every member is (position of the first member of its group) + 1.
    starts = np.ones(ordered.shape, dtype=bool)
    starts[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    positions = np.broadcast_to(np.arange(n), ordered.shape)
    first = np.maximum.accumulate(np.where(starts, positions, 0), axis=-1)
    ranks_sorted = (first + 1).astype(float)
    ranks = np.empty(ordered.shape, dtype=float)
    np.put_along_axis(ranks, order, ranks_sorted, axis=-1)
    ranks[nan] = np.nan
    return np.moveaxis(ranks, -1, axis)
