"""Every normalisation method against hand computations (COINr n_* definitions)."""

from __future__ import annotations

import numpy as np
import pytest

from chiso.index import PipelineError

from .helpers import coin_of

NAN = np.nan


def _norm(values: list[float], method: str, direction: int = 1,
          params: dict[str, dict[str, object]] | None = None, **kw: object) -> np.ndarray:
    coin = coin_of({"a": values}, directions=[direction], params=params)
    return coin.normalise(method, **kw).get("Normalised").values[0, :, 0]


def test_minmax_maps_onto_the_range() -> None:
    np.testing.assert_allclose(_norm([2, 4, 6, NAN], "minmax", range=[0, 100]),
                               [0, 50, 100, NAN])


def test_minmax_of_a_negative_indicator_gives_the_lowest_value_the_top_score() -> None:
    # COINr: 100 (dx - min(dx)) / (max(dx) - min(dx)) with d = -1
    np.testing.assert_allclose(_norm([2, 4, 10], "minmax", direction=-1, range=[0, 100]),
                               [100, 75, 0])


def test_minmax_with_fixed_bounds_from_meta_ignores_the_data_range_and_clips() -> None:
    params = {"a": {"fixed_min": 0.0, "fixed_max": 20.0}}
    np.testing.assert_allclose(_norm([5, 10, 25], "minmax", params=params, range=[0, 100]),
                               [25, 50, 100])
    # Direction -1: the raw scale's max (20) scores 0, its min (0) scores 100.
    np.testing.assert_allclose(
        _norm([5, 10, 20], "minmax", direction=-1, params=params, range=[0, 100]), [75, 50, 0])


def test_minmax_use_meta_takes_the_range_from_meta_columns() -> None:
    params = {"a": {"minmax_lower": 1.0, "minmax_upper": 10.0}}
    np.testing.assert_allclose(_norm([0, 1, 2], "minmax", params=params, use_meta=True),
                               [1, 5.5, 10])


def test_minmax_of_a_constant_column_is_missing() -> None:
    assert np.isnan(_norm([3, 3, 3], "minmax")).all()


def test_zscore_uses_the_sample_sd_then_rescales() -> None:
    x = np.array([1.0, 2.0, 3.0, 6.0])
    expected = (x - 3) / np.std(x, ddof=1) * 2 + 10
    np.testing.assert_allclose(_norm(x.tolist(), "zscore", mean=10, sd=2), expected)


def test_rank_percentile_and_borda_use_min_ties() -> None:
    x = [10, 20, 20, 5, NAN]
    np.testing.assert_array_equal(_norm(x, "rank"), [2, 3, 3, 1, NAN])
    np.testing.assert_allclose(_norm(x, "percentile"), [1 / 3, 2 / 3, 2 / 3, 0, NAN])
    np.testing.assert_array_equal(_norm(x, "borda"), [1, 2, 2, 0, NAN])
    np.testing.assert_array_equal(_norm(x, "rank", direction=-1), [3, 1, 1, 4, NAN])


def test_goalposts_match_coinr_examples() -> None:
    # n_goalposts(1, c(0, 10, 1)) = 0.1; with direction -1: 0.9
    assert _norm([1, 5], "goalposts", lower=0, upper=10)[0] == pytest.approx(0.1)
    assert _norm([1, 5], "goalposts", direction=-1, lower=0, upper=10)[0] == pytest.approx(0.9)


def test_goalposts_truncate_and_scale() -> None:
    np.testing.assert_allclose(_norm([-5, 5, 15], "goalposts", lower=0, upper=10, scale=100),
                               [0, 50, 100])
    np.testing.assert_allclose(
        _norm([-5, 5, 15], "goalposts", lower=0, upper=10, scale=1, trunc=False),
        [-0.5, 0.5, 1.5])


def test_goalposts_from_meta() -> None:
    params = {"a": {"goalpost_lower": 0.0, "goalpost_upper": 4.0, "goalpost_scale": 100.0,
                    "goalpost_trunc2posts": "TRUE"}}
    np.testing.assert_allclose(_norm([1, 2, 8], "goalposts", params=params, use_meta=True),
                               [25, 50, 100])


def test_dist_to_target_matches_coinr_tests() -> None:
    # COINr test: x = c(-1, 1, 10), targ = 0, direction = -1 -> c(1.1, 0.9, 0); capped -> 1
    params = {"a": {"Target": 0.0}}
    np.testing.assert_allclose(
        _norm([-1, 1, 10], "dist_to_target", direction=-1, params=params), [1.1, 0.9, 0])
    np.testing.assert_allclose(
        _norm([-1, 1, 10], "dist_to_target", direction=-1, params=params, cap=True), [1, 0.9, 0])
    # direction 1: (x - min) / (targ - min)
    np.testing.assert_allclose(
        _norm([0, 5, 10], "dist_to_target", params={"a": {"Target": 10.0}}), [0, 0.5, 1])


def test_frac_max_and_dist_to_max() -> None:
    np.testing.assert_allclose(_norm([1, 2, 4], "frac_max"), [0.25, 0.5, 1])
    np.testing.assert_allclose(_norm([1, 2, 5], "dist_to_max"), [0, 0.25, 1])


def test_none_only_applies_the_direction_as_coinr_does() -> None:
    np.testing.assert_array_equal(_norm([1, 2], "none", direction=-1), [-1, -2])


def test_unknown_method_and_wrong_parameters_are_reported() -> None:
    with pytest.raises(PipelineError, match="unknown method 'sigmoid'"):
        _norm([1, 2], "sigmoid")
    with pytest.raises(PipelineError, match="do not apply to method minmax"):
        _norm([1, 2], "minmax", mean=3)
    with pytest.raises(PipelineError, match="needs a Target column"):
        _norm([1, 2], "dist_to_target")
