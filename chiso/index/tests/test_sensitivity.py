"""Monte-Carlo sensitivity: seedable, nominal ranks when nothing varies, intervals that
widen with noise."""

from __future__ import annotations

import numpy as np
import pytest

from chiso.index import PipelineError, run_pipeline, sensitivity

from .shared_data import ASEM, needs_shared

pytestmark = needs_shared


@pytest.fixture(scope="module")
def coin():  # type: ignore[no-untyped-def]
    return run_pipeline(ASEM / "pipeline.yaml")


def test_no_noise_and_no_alternatives_give_the_nominal_ranks(coin) -> None:  # type: ignore[no-untyped-def]
    res = sensitivity(coin, n=5, weight_noise=0.0, seed=1)
    np.testing.assert_array_equal(res.median, res.nominal)
    np.testing.assert_array_equal(res.q05, res.nominal)


def test_same_seed_same_result_and_noise_widens_the_intervals(coin) -> None:  # type: ignore[no-untyped-def]
    methods = {"normalise": [{"method": "minmax", "range": [1, 100]},
                             {"method": "zscore", "mean": 10, "sd": 2}],
               "aggregate": [{"method": "arithmetic"}, {"method": "geometric"}]}
    a = sensitivity(coin, n=60, weight_noise=0.25, methods=methods, seed=7)
    b = sensitivity(coin, n=60, weight_noise=0.25, methods=methods, seed=7)
    np.testing.assert_array_equal(a.ranks, b.ranks)
    # The noise moves ranks: some unit's 5-95 % interval is not a single rank.
    assert (a.q95 > a.q05).any()
    che = a.units.index("CHE")
    assert a.q05[0, che] <= a.nominal[0, che] <= a.q95[0, che]
    assert {c["aggregate"]["method"] for c in a.choices} == {"arithmetic", "geometric"}
    top = a.table()[0]
    assert top["unit"] == "CHE" and top["nominal"] == 1


def test_a_step_not_in_the_log_is_refused(coin) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PipelineError, match="'weigh' is not in the coin's log"):
        sensitivity(coin, n=2, methods={"weigh": [{}]})
