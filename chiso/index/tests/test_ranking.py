"""Tests for chiso.index.ranking."""

from __future__ import annotations

import numpy as np

from chiso.index.ranking import rank_min


def test_rank_min_ties_skip_next_rank() -> None:
    # DTI 2022 convention (DTI.md): ties share the lowest rank, the next one is skipped.
    v = np.array([0.9, 0.8, 0.5, 0.5, 0.4])
    assert rank_min(v).tolist() == [1.0, 2.0, 3.0, 3.0, 5.0]


def test_rank_min_nan_and_ascending_and_axis() -> None:
    v = np.array([[3.0, np.nan, 3.0, 1.0], [1.0, 2.0, 3.0, 4.0]])
    r = rank_min(v, axis=1)
    assert np.isnan(r[0, 1])
    assert r[0, [0, 2, 3]].tolist() == [1.0, 1.0, 3.0]
    assert r[1].tolist() == [4.0, 3.0, 2.0, 1.0]
    assert rank_min(v, axis=1, descending=False)[1].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert rank_min(v, axis=0)[:, 0].tolist() == [1.0, 2.0]
