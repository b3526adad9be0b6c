"""Imputation: column mean/median, group mean/median (COINr i_mean, i_median, *_grp)."""

from __future__ import annotations

import numpy as np
import pytest

from chiso.index import Coin, PipelineError

from .helpers import coin_of, flat_framework

NAN = np.nan


def test_mean_fills_with_the_column_mean() -> None:
    coin = coin_of({"a": [1, NAN, 5, 6], "b": [2, 2, 2, 2]}).impute("mean")
    np.testing.assert_allclose(coin.get("Imputed").values[0, :, 0], [1, 4, 5, 6])


def test_median_fills_with_the_column_median_averaging_the_middle_pair() -> None:
    coin = coin_of({"a": [1, NAN, 5, 6, 10]}).impute("median")
    assert coin.get("Imputed").values[0, 1, 0] == 5.5


def _grouped(method: str) -> np.ndarray:
    fw = flat_framework(["a"])
    coin = Coin(fw, list("PQRSTU"), np.array([[[1.0], [3.0], [NAN], [10.0], [20.0], [NAN]]]),
                groups={"g": np.array([["A", "A", "A", "B", "B", None]], dtype=object)})
    return coin.impute(method, group="g").get("Imputed").values[0, :, 0]


def test_group_mean_uses_the_units_of_the_same_group() -> None:
    out = _grouped("group_mean")
    assert out[2] == 2.0  # mean of group A (1, 3)
    assert np.isnan(out[5])  # no group: stays missing, as in COINr


def test_group_median_uses_the_units_of_the_same_group() -> None:
    assert _grouped("group_median")[2] == 2.0


def test_none_leaves_missing_values() -> None:
    coin = coin_of({"a": [1, NAN, 5]}).impute("none")
    assert np.isnan(coin.get("Imputed").values[0, 1, 0])


def test_group_methods_need_a_known_group_column() -> None:
    with pytest.raises(PipelineError, match="group"):
        coin_of({"a": [1, NAN, 5]}).impute("group_mean")
    with pytest.raises(PipelineError, match="'nope' not found"):
        coin_of({"a": [1, NAN, 5]}).impute("group_mean", group="nope")


def test_unknown_method_is_named() -> None:
    with pytest.raises(PipelineError, match="unknown method 'mode'"):
        coin_of({"a": [1, NAN, 5]}).impute("mode")
