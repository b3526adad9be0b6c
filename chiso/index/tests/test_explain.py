"""explain(): contributions that add up to the parent, and a node's trace through the data
sets."""

from __future__ import annotations

import numpy as np
import pytest

from chiso.index import Coin, Framework, Node, PipelineError, explain


def _coin(method: str) -> Coin:
    fw = Framework([Node("a", "Indicator", "A", 1, 1, (("P", 1.0),)),
                    Node("b", "Indicator", "B", 1, 1, (("P", 3.0),)),
                    Node("c", "Indicator", "C", 1, 1, (("P", 1.0),)),
                    Node("P", "Aggregate", "Parent", 2)])
    raw = np.array([[[2.0, 10.0, np.nan], [1.0, 4.0, 3.0]]])
    return Coin(fw, ["U", "V"], raw).aggregate(method)


def test_arithmetic_contributions_are_weight_share_times_value_and_sum_to_the_parent() -> None:
    e = explain(_coin("arithmetic"), "U", "P")
    assert e.value == pytest.approx((2 + 30) / 4)
    a, b, c = e.children
    assert (a.weight_share, b.weight_share) == (0.25, 0.75)
    assert a.contribution == pytest.approx(0.5) and b.contribution == pytest.approx(7.5)
    assert np.isnan(c.contribution) and np.isnan(c.weight_share)  # missing child
    assert e.total() == pytest.approx(e.value)


@pytest.mark.parametrize("method", ["geometric", "harmonic"])
def test_other_means_share_the_parent_in_proportion_to_weight_times_value(method: str) -> None:
    e = explain(_coin(method), "V", "P")
    assert e.total() == pytest.approx(e.value)
    wx = np.array([1 * 1.0, 3 * 4.0, 1 * 3.0])
    np.testing.assert_allclose([c.contribution for c in e.children], e.value * wx / wx.sum())


def test_an_indicator_is_traced_through_every_data_set() -> None:
    coin = _coin("arithmetic")
    coin.normalise("minmax", range=[0, 1], dset="Raw").aggregate()
    e = explain(coin, "V", "b")
    assert e.trace == {"Raw": 4.0, "Normalised": 0.0, "Aggregated": 0.0}
    assert e.children == []


def test_unknown_node_or_unit_is_named() -> None:
    with pytest.raises(PipelineError, match="unknown node 'Q'"):
        explain(_coin("arithmetic"), "U", "Q")
    with pytest.raises(PipelineError, match="unknown unit 'W'"):
        explain(_coin("arithmetic"), "W", "P")
