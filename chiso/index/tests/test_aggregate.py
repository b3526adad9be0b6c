"""Aggregation methods against hand computations; weights renormalised over children
present; min_availability; dependency order whatever the Level."""

from __future__ import annotations

import numpy as np
import pytest

from chiso.index import Coin, Framework, Node, PipelineError

NAN = np.nan


def _coin(rows: list[list[float]], weights: tuple[float, ...] = (1.0, 1.0, 2.0)) -> Coin:
    nodes = [Node(c, "Indicator", c, 1, 1, (("P", w),)) for c, w in zip("abc", weights,
                                                                          strict=True)]
    fw = Framework([*nodes, Node("P", "Aggregate", "P", 2)])
    return Coin(fw, [f"U{i}" for i in range(len(rows))], np.array([rows], dtype=float))


def _agg(rows: list[list[float]], method: str, **kw: object) -> np.ndarray:
    coin = _coin(rows).aggregate(method, **kw)
    return coin.get("Aggregated").column("P")[0]


def test_arithmetic_is_the_weighted_mean() -> None:
    assert _agg([[1, 2, 4]], "arithmetic")[0] == pytest.approx((1 + 2 + 8) / 4)


def test_missing_children_leave_the_weights_of_the_others_renormalised() -> None:
    assert _agg([[1, NAN, 4]], "arithmetic")[0] == pytest.approx((1 + 8) / 3)
    assert np.isnan(_agg([[NAN, NAN, NAN]], "arithmetic")[0])


def test_min_availability_makes_the_aggregate_missing() -> None:
    out = _agg([[1, NAN, NAN], [1, 2, NAN]], "arithmetic", min_availability=0.5)
    assert np.isnan(out[0]) and out[1] == pytest.approx(1.5)


def test_geometric_mean() -> None:
    assert _agg([[1, 2, 4]], "geometric")[0] == pytest.approx((1 * 2 * 4**2) ** 0.25)


def test_geometric_mean_of_a_zero_child_is_zero_and_negative_values_are_refused() -> None:
    assert _agg([[0, 2, 4]], "geometric")[0] == 0.0
    with pytest.raises(PipelineError, match="positive values.*P"):
        _agg([[-1, 2, 4]], "geometric")


def test_harmonic_mean() -> None:
    assert _agg([[1, 2, 4]], "harmonic")[0] == pytest.approx(4 / (1 + 0.5 + 2 / 4))


def test_generalised_mean_with_p() -> None:
    expected = ((1 + 4 + 2 * 16) / 4) ** 0.5
    assert _agg([[1, 2, 4]], "generalised", p=2)[0] == pytest.approx(expected)
    with pytest.raises(PipelineError, match="p = 0"):
        _agg([[1, 2, 4]], "generalised", p=0)


def test_points_is_earned_over_applicable_maximum() -> None:
    # weights are maximum points: (1*1 + 2*1 + 4*2) / (1 + 1 + 2); a missing child
    # (not applicable) leaves the denominator.
    assert _agg([[1, 2, 4]], "points")[0] == pytest.approx(11 / 4)
    assert _agg([[1, NAN, 4]], "points")[0] == pytest.approx(9 / 3)


def test_aggregates_follow_dependencies_not_levels() -> None:
    # "Top" is declared first and with a lower Level than its child aggregate "Mid".
    fw = Framework([
        Node("Top", "Aggregate", "", 1),
        Node("Mid", "Aggregate", "", 5, 1, (("Top", 1.0),)),
        Node("x", "Indicator", "", 1, 1, (("Mid", 1.0),)),
        Node("y", "Indicator", "", 1, 1, (("Mid", 1.0), ("Top", 1.0))),
    ])
    assert fw.aggregates == ["Mid", "Top"]
    coin = Coin(fw, ["U"], np.array([[[2.0, 4.0]]])).aggregate()
    assert coin.value("Mid", "U") == 3.0
    assert coin.value("Top", "U") == 3.5  # mean of Mid (3) and y (4)


def test_unknown_method_is_named() -> None:
    with pytest.raises(PipelineError, match="unknown method 'median'"):
        _coin([[1, 2, 3]]).aggregate("median")
