"""Screen units by data availability (COINr ``Screen(unit_screen = "byNA")``): a unit whose
share of non-missing indicators is below the threshold is removed (see ``Coin.screen``)."""

from __future__ import annotations

import numpy as np

__all__ = ["availability"]


def availability(values: np.ndarray) -> np.ndarray:
    """Share of non-missing indicators per (period, unit)."""
    n = values.shape[2]
    if n == 0:
        return np.ones(values.shape[:2])
    return (~np.isnan(values)).sum(axis=2) / n
