"""Outlier treatment as COINr's default Treat: skew/kurtosis check, one-step Winsorisation,
log_CT fallback on the original values."""

from __future__ import annotations

import numpy as np
import pytest

from chiso.index._nan import skew_kurt
from chiso.index.treat import log_ct, treat

from .helpers import coin_of

COINR_EXAMPLE = np.array([*range(1, 11), 30.0, 100.0])  # COINr's ?Treat example


def _by_hand_skew_kurt(x: np.ndarray) -> tuple[float, float]:
    # Excel SKEW / KURT from their textbook definitions (sample sd).
    n = len(x)
    z = (x - x.mean()) / x.std(ddof=1)
    skew = n / ((n - 1) * (n - 2)) * np.sum(z**3)
    kurt = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * np.sum(z**4) - 3 * (n - 1) ** 2 / (
        (n - 2) * (n - 3))
    return skew, kurt


def test_skew_and_kurtosis_are_the_bias_corrected_g1_g2_ignoring_nan() -> None:
    x = np.array([1.0, 2.0, 2.5, 3.0, 10.0, 40.0])
    s, k = skew_kurt(np.append(x, np.nan)[:, None], axis=0)
    es, ek = _by_hand_skew_kurt(x)
    assert s[0] == pytest.approx(es, rel=1e-12)
    assert k[0] == pytest.approx(ek, rel=1e-12)


def test_it_winsorises_the_high_end_one_point_at_a_time_until_it_passes() -> None:
    # skew 3.06, kurtosis 9.74 fail; pulling 100 in to 30 gives skew 1.71: passes.
    out, det = treat(COINR_EXAMPLE[None, :, None], max_points=5)
    np.testing.assert_array_equal(out[0, :, 0], [*range(1, 11), 30.0, 30.0])
    assert det.winsorised[0, 0] == 1 and not det.fallback[0, 0]


def test_it_winsorises_the_low_end_when_skew_is_negative() -> None:
    out, det = treat(-COINR_EXAMPLE[None, :, None])
    np.testing.assert_array_equal(out[0, -2:, 0], [-30.0, -30.0])
    assert det.winsorised[0, 0] == 1


def test_tied_extremes_are_moved_together_and_all_counted() -> None:
    x = np.array([1.0] * 30 + [2, 3, 4, 5, 6, 7, 8, 9, 200, 200])
    out, det = treat(x[None, :, None], max_points=5)
    assert (out[0, -2:, 0] == 9).all()
    assert det.winsorised[0, 0] == 2


def test_it_falls_back_to_log_ct_of_the_original_values_when_winsorising_is_not_enough() -> None:
    z = np.array([1.0] * 40 + [1000, 2000, 3000, 4000, 5000])
    out, det = treat(z[None, :, None], max_points=2)
    np.testing.assert_allclose(out[0, :, 0], np.log(z - 1 + 0.01 * (5000 - 1)))
    assert det.fallback[0, 0] and det.winsorised[0, 0] == 0


def test_log_ct_is_ln_x_minus_min_plus_one_percent_of_the_range() -> None:
    x = np.array([2.0, 4.0, 12.0])
    np.testing.assert_allclose(log_ct(x), np.log([0.1, 2.1, 10.1]))


def test_passing_and_constant_columns_are_left_alone() -> None:
    x = np.stack([np.arange(10.0), np.full(10, 3.0)], axis=1)[None]
    out, det = treat(x)
    np.testing.assert_array_equal(out, x)
    assert (det.winsorised == 0).all()


def test_columns_are_treated_independently_in_one_call() -> None:
    x = np.stack([COINR_EXAMPLE, np.arange(12.0), -COINR_EXAMPLE], axis=1)[None]
    out, _ = treat(x)
    np.testing.assert_array_equal(out[0, :, 1], np.arange(12.0))
    assert out[0, -1, 0] == 30.0 and out[0, -1, 2] == -30.0


def test_method_none_copies_the_data() -> None:
    coin = coin_of({"a": COINR_EXAMPLE.tolist()}).treat(method="none")
    np.testing.assert_array_equal(coin.get("Treated").values[0, :, 0], COINR_EXAMPLE)


def _random_columns(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    kinds = [
        lambda: rng.lognormal(0, rng.uniform(0.5, 2.5), n),
        lambda: -rng.lognormal(0, rng.uniform(0.5, 2.5), n),
        lambda: np.round(rng.lognormal(0, 1.5, n)),  # many ties
        lambda: rng.poisson(0.2, n) * 1.0,
        lambda: np.append(rng.normal(0, 1, n - 3), rng.uniform(10, 60, 3)),
        lambda: np.append(rng.normal(0, 1, n - 4), [-40.0, -40.0, 35.0, 38.0]),  # both ends
        lambda: np.append(np.zeros(n - 1), 1.0),  # becomes constant
        lambda: rng.pareto(1.0, n) * 1e6 + 1e9,  # large offset, heavy tail
    ]
    return np.stack([kinds[rng.integers(len(kinds))]() for _ in range(k)], axis=1)


@pytest.mark.parametrize("max_points", [1, 2, 5, 9])
def test_winsorising_from_the_extremes_matches_the_direct_loop(
    max_points: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chiso.index import _nan
    from chiso.index import treat as treat_mod

    direct = treat_mod._winsorise_direct
    sent_direct = []
    monkeypatch.setattr(treat_mod, "_winsorise_direct",
                        lambda x, *a: sent_direct.append(x.shape[1]) or direct(x, *a))
    extremes = treat_mod._winsorise_extremes
    decided_fast = []

    def spy(*a):  # type: ignore[no-untyped-def]
        res = extremes(*a)
        decided_fast.append(int(res[0].sum()))
        return res

    monkeypatch.setattr(treat_mod, "_winsorise_extremes", spy)
    rng = np.random.default_rng(max_points)
    for n in (12, 40, 300, 2000):
        sent_direct.clear()
        decided_fast.clear()
        x = _random_columns(rng, n, 200)
        rows = np.ascontiguousarray(x.T)
        lo, hi, npts, passing = treat_mod._winsorise_rows(
            rows, _nan.moments(rows, axis=1), max_points, 2.0, 3.5)
        dlo, dhi, dnpts, dpassing = direct(x, max_points, 2.0, 3.5)
        np.testing.assert_array_equal(npts, dnpts)
        np.testing.assert_array_equal(passing, dpassing)
        clip = treat_mod._clip_rows
        np.testing.assert_array_equal(clip(rows, lo, hi), clip(rows, dlo, dhi))
        # Otherwise the loop would be compared with itself: the shortcut must have decided
        # some columns whenever the units are enough for it (2 × (max_points + 1) + 2).
        if n >= 2 * max_points + 4:
            assert sum(decided_fast) > 0
        else:
            assert decided_fast == []
        if n >= 300:  # the shortcut decided most columns (ties and constants go direct)
            assert sum(sent_direct) < 100
