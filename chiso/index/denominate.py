"""Denominate: divide indicators by a denominator column (COINr ``Denominate``)."""

from __future__ import annotations

import numpy as np

__all__ = ["denominate"]


def denominate(values: np.ndarray, divisors: np.ndarray) -> np.ndarray:
    """``values / divisors`` elementwise, plain division with no scale factor.

    ``divisors`` has the shape of ``values`` ((periods, units, columns)) and holds 1 for
    indicators without a denominator. A missing denominator gives a missing result and a
    zero denominator gives NaN rather than an infinity.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        out = values / divisors
    out[~np.isfinite(out)] = np.nan
    return out
