"""Screening by data availability removes units below the threshold from later steps."""

from __future__ import annotations

import numpy as np

from .helpers import coin_of

NAN = np.nan


def test_units_below_the_threshold_are_removed_and_stay_out() -> None:
    coin = coin_of({"a": [1, 2, NAN, 4], "b": [1, NAN, NAN, 4], "c": [1, 2, 3, 4]})
    coin.screen(min_availability=0.6).normalise("minmax", range=[0, 1]).aggregate()
    screened = coin.get("Screened")
    # availability: U0 1, U1 2/3, U2 1/3, U3 1
    np.testing.assert_array_equal(screened.present[0], [True, True, False, True])
    np.testing.assert_allclose(coin.details["Screened"][0], [1, 2 / 3, 1 / 3, 1])
    assert np.isnan(coin.get("Aggregated").values[0, 2]).all()
    res = coin.results()
    assert [coin.units[n] for _, n in res.row_keys] == ["U0", "U1", "U3"]
    # U2 is not used for the min-max of c: U0 is the minimum (1 -> 0), U3 the maximum.
    assert coin.get("Normalised").values[0, 0, 2] == 0.0


def test_availability_is_measured_after_imputation() -> None:
    coin = coin_of({"a": [1, NAN, 3], "b": [1, NAN, 3]})
    coin.impute("mean").screen(min_availability=0.9)
    assert coin.get("Screened").present[0].all()
