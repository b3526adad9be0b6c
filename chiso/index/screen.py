"""Screen units by data availability (COINr ``Screen(unit_screen = "byNA")``)."""

from __future__ import annotations

import numpy as np

__all__ = ["availability", "screen"]


def availability(values: np.ndarray) -> np.ndarray:
    """Share of non-missing indicators per (period, unit)."""
    n = values.shape[2]
    if n == 0:
        return np.ones(values.shape[:2])
    return (~np.isnan(values)).sum(axis=2) / n


def screen(values: np.ndarray, present: np.ndarray, min_availability: float) -> np.ndarray:
    """New ``present`` mask: units whose availability is below the threshold are removed."""
    return present & (availability(values) >= min_availability)
