"""What-if: changing raw values and rescoring incrementally gives exactly what a full rerun
gives, and leaves other periods alone."""

from __future__ import annotations

import numpy as np
import pytest

from chiso.index import Coin, Framework, IndexDataError, Node, what_if


def _panel(seed: int = 0, impute: str = "group_mean") -> Coin:
    rng = np.random.default_rng(seed)
    codes = [f"i{k}" for k in range(6)]
    nodes = [Node(c, "Indicator", c, 1, 1 if k % 3 else -1, ((f"P{k % 2}", 1.0 + k),),
                  {"Denominator": "pop"} if k == 0 else {}) for k, c in enumerate(codes)]
    fw = Framework([*nodes, Node("P0", "Aggregate", "", 2, 1, (("Top", 1.0),)),
                    Node("P1", "Aggregate", "", 2, 1, (("Top", 2.0),)),
                    Node("Top", "Aggregate", "", 3)])
    raw = rng.lognormal(size=(3, 40, 6))
    raw[rng.random(raw.shape) < 0.1] = np.nan
    raw[:, 5, 2] = 1000.0  # an outlier to Winsorise
    coin = Coin(fw, [f"U{n}" for n in range(40)], raw, times=[2021, 2022, 2023],
                groups={"g": np.array([["A", "B"] * 20] * 3, dtype=object)},
                denominators={"pop": rng.uniform(1, 5, size=(3, 40))})
    coin.denominate().impute(impute, group="g").screen(min_availability=0.5)
    coin.treat().normalise("minmax", range=[0, 100]).aggregate()
    return coin


def _assert_same(a: Coin, b: Coin) -> None:
    for name in a.data:
        np.testing.assert_allclose(a.data[name].values, b.data[name].values, rtol=0, atol=1e-12,
                                   equal_nan=True, err_msg=name)
        np.testing.assert_array_equal(a.data[name].present, b.data[name].present)
    np.testing.assert_array_equal(a.results().ranks, b.results().ranks)


@pytest.mark.parametrize("change", [
    {("U3", "i1", 2022): 50.0},          # an ordinary value
    {("U7", "i4", 2021): None},          # a value removed
    {("U9", "pop", 2023): 0.5},          # a denominator
    {("U1", "i2", 2022): 0.01, ("U2", "i3", 2023): 9.0},  # two periods at once
])
def test_incremental_update_equals_a_full_rerun(change: dict) -> None:
    updated = _panel().update(change)
    full = _panel()
    for (unit, code, time), value in change.items():
        t, n = full.times.index(time), full.units.index(unit)
        v = np.nan if value is None else value
        if code == "pop":
            full.denominators["pop"][t, n] = v
        else:
            full.raw[t, n, full.framework.indicators.index(code)] = v
    _assert_same(updated, full.regenerate())


def test_a_change_that_screens_a_unit_out_recomputes_the_whole_period() -> None:
    coin = _panel(impute="none")  # imputation would refill the values before screening
    n = 11
    change = {("U11", c, 2022): None for c in ["i0", "i1", "i2", "i3"]}
    coin.update(change)
    assert not coin.get("Screened").present[1, n]
    assert np.isnan(coin.results().ranks[1, n]).all()
    full = _panel(impute="none")
    full.raw[1, n, :4] = np.nan
    _assert_same(coin, full.regenerate())


def test_what_if_leaves_the_original_untouched() -> None:
    coin = _panel()
    before = coin.value("Top", "U3", 2022)
    other = what_if(coin, {("U3", "i1", 2022): 0.0})
    assert coin.value("Top", "U3", 2022) == before
    assert other.value("Top", "U3", 2022) != before
    assert other.value("Top", "U3", 2021) == coin.value("Top", "U3", 2021)


def test_unknown_column_or_time_is_named() -> None:
    with pytest.raises(IndexDataError, match="'zz' is not an indicator or a denominator"):
        _panel().update({("U1", "zz", 2022): 1.0})
    with pytest.raises(IndexDataError, match="Unknown time 1999"):
        _panel().update({("U1", "i1", 1999): 1.0})
