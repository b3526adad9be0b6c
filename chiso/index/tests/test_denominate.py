"""Denominate divides by the meta Denominator column; missing or zero -> missing."""

from __future__ import annotations

import numpy as np

from chiso.index import Coin

from .helpers import flat_framework


def test_it_divides_only_indicators_with_a_denominator() -> None:
    fw = flat_framework(["a", "b"], params={"a": {"Denominator": "Pop"}})
    coin = Coin(fw, ["X", "Y", "Z"], np.array([[[10.0, 1.0], [9.0, 2.0], [4.0, 3.0]]]),
                denominators={"Pop": np.array([[2.0, np.nan, 0.0]])})
    out = coin.denominate().get("Denominated").values[0]
    np.testing.assert_array_equal(out[:, 1], [1.0, 2.0, 3.0])
    assert out[0, 0] == 5.0
    assert np.isnan(out[1, 0])  # missing denominator
    assert np.isnan(out[2, 0])  # zero denominator gives missing, not infinity
