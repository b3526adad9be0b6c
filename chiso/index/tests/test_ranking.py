"""Tests for chiso.index.ranking."""

from __future__ import annotations

import hypothesis.extra.numpy as hnp
import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given, settings

from chiso.index.ranking import (
    BandScheme,
    change_vs_previous,
    describe_rank_change,
    rank_min,
    rank_within_groups,
    round_half_up,
    strengths_weaknesses,
)


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


def test_rank_min_dti_2022_pattern_1_2_15_15_17() -> None:
    # 17 units, positions 15 and 16 tied: the published 2022 table reads 1, 2, …, 15, 15, 17.
    v = np.linspace(1.0, 0.0, 17)
    v[15] = v[14]
    r = rank_min(v)
    assert r[:2].tolist() == [1.0, 2.0]
    assert r[14:].tolist() == [15.0, 15.0, 17.0]


@settings(max_examples=200, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 4), st.integers(1, 25)),
        # few distinct values so that ties are frequent; NaN as missing
        elements=st.sampled_from([0.0, 0.25, 0.5, 0.7024, 1.0, np.nan]),
    ),
    st.booleans(),
)
def test_rank_min_properties(values: np.ndarray, descending: bool) -> None:
    ranks = rank_min(values, axis=1, descending=descending)
    for row, r in zip(values, ranks, strict=True):
        ok = ~np.isnan(row)
        assert np.array_equal(np.isnan(r), ~ok)
        rv, rr = row[ok], r[ok]
        # equal values <=> equal ranks; better value <=> smaller rank
        same = rv[:, None] == rv[None, :]
        assert np.array_equal(same, rr[:, None] == rr[None, :])
        better = rv[:, None] > rv[None, :] if descending else rv[:, None] < rv[None, :]
        assert np.array_equal(better, rr[:, None] < rr[None, :])
        # "min" convention: rank = 1 + number of units strictly better
        assert np.array_equal(rr, 1 + better.sum(axis=0))
        # sorted ranks: a permutation of 1..n in which each tie run repeats its first rank
        srt = np.sort(rr)
        n = len(srt)
        expected = np.arange(1, n + 1, dtype=float)
        run_start = np.r_[True, srt[1:] != srt[:-1]] if n else np.array([], bool)
        expected = np.maximum.accumulate(np.where(run_start, expected, 0)) if n else expected
        assert np.array_equal(srt, expected)


@settings(max_examples=200, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 3), st.integers(1, 40)),
        # any float, with signed zeros, infinities, negatives and NaN (also negated NaN)
        elements=st.one_of(
            st.sampled_from([0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, 5e-324, -1.5]),
            st.floats(allow_nan=True, allow_infinity=True),
        ),
    ),
    st.booleans(),
)
def test_rank_min_is_one_plus_the_number_strictly_better_for_any_float(
    values: np.ndarray, descending: bool
) -> None:
    ranks = rank_min(values, axis=1, descending=descending)
    for row, r in zip(values, ranks, strict=True):
        ok = ~np.isnan(row)
        assert np.array_equal(np.isnan(r), ~ok)
        rv = row[ok]
        better = rv[:, None] > rv[None, :] if descending else rv[:, None] < rv[None, :]
        assert np.array_equal(r[ok], 1 + better.sum(axis=0))


def _rank_by_counting(row: np.ndarray) -> np.ndarray:
    return 1.0 + (row[None, :] > row[:, None]).sum(axis=1)


@pytest.mark.parametrize("spread", [1, 3, 2**13])
def test_rank_min_exact_for_values_that_differ_only_in_their_last_bits(spread: int) -> None:
    # rank_min orders rows with one sort of keys whose lowest bits carry the position; keys
    # equal but for those bits must still be ordered (and tied) exactly, including when a
    # whole row has to fall back to a full argsort.
    rng = np.random.default_rng(spread)
    base = 1.0 + np.arange(600) * (spread * 2.0**-52)
    rows = np.stack([rng.permutation(base), rng.choice(base[:5], size=600),
                     np.where(rng.random(600) < 0.5, base, np.nextafter(base, 2))])
    ranks = rank_min(rows, axis=1)
    for row, r in zip(rows, ranks, strict=True):
        assert np.array_equal(r, _rank_by_counting(row))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([0.1, 0.2, 0.3, np.nan]), st.sampled_from(["a", "b", None])),
        min_size=1,
        max_size=30,
    )
)
def test_rank_within_groups_matches_rank_min_per_group(
    rows: list[tuple[float, str | None]],
) -> None:
    values = np.array([v for v, _ in rows])
    groups = [g for _, g in rows]
    ranks = rank_within_groups(values, groups)
    for label in ("a", "b"):
        idx = [i for i, g in enumerate(groups) if g == label]
        if idx:
            np.testing.assert_array_equal(ranks[idx], rank_min(values[idx]))
    none_idx = [i for i, g in enumerate(groups) if g is None]
    assert np.isnan(ranks[none_idx]).all()


def test_rank_within_groups_two_groups_and_panel() -> None:
    # ministries with / without public services are ranked separately (DTI.md)
    v = np.array([[0.5, 0.9, 0.7, 0.6, 0.1]])
    groups = ["dvc", "khong_dvc", "dvc", "khong_dvc", None]
    r = rank_within_groups(v, groups, axis=1)
    np.testing.assert_array_equal(r[0, :4], [2.0, 1.0, 1.0, 2.0])
    assert np.isnan(r[0, 4])


def test_bands_dti_2020_group_2() -> None:
    # DTI 2020 "nhóm 2" was 0,3250–0,4000 (DTI.md). The other labels/bounds are illustrative.
    scheme = BandScheme.from_dict(
        {
            "bands": [{"label": "nhóm 1", "min": 0.4000}, {"label": "nhóm 2", "min": 0.3250}],
            "below": "nhóm 3",
        }
    )
    # Quảng Ninh 2020: 0,3897 (DTI.md) is in nhóm 2; the bound 0,3250 itself is included.
    labels = scheme.classify(np.array([0.3897, 0.3250, 0.3249, 0.4874, np.nan]))
    assert labels.tolist() == ["nhóm 2", "nhóm 2", "nhóm 3", "nhóm 1", None]


def test_bands_reject_bad_spec() -> None:
    with pytest.raises(ValueError, match="bands"):
        BandScheme.from_dict({"bands": []})
    with pytest.raises(ValueError, match="label"):
        BandScheme.from_dict({"bands": [{"min": 0.5}]})
    with pytest.raises(ValueError, match="tăng dần"):
        BandScheme((0.5, 0.5), ("khá", "tốt"))


def test_change_phrases_quang_ninh_2022() -> None:
    # Seed 001: Quảng Ninh DTI rank 3 in 2022, "tăng 4 bậc so với năm 2021" (7 -> 3);
    # Chính quyền số 0,7804 "tăng 0,1428 điểm và 1 bậc" (5 -> 4).
    ch = change_vs_previous(
        np.array([0.7804, 0.5, 0.4]),
        np.array([0.6376, 0.5, 0.45]),
        current_ranks=np.array([4.0, 10.0, 12.0]),
        previous_ranks=np.array([5.0, 10.0, 11.0]),
    )
    assert ch.rank_phrases() == ["tăng 1 bậc", "giữ nguyên", "giảm 1 bậc"]
    assert ch.rank_phrases("en") == ["up 1 place", "unchanged", "down 1 place"]
    assert ch.value_phrases() == ["tăng 0,1428 điểm", "không đổi", "giảm 0,0500 điểm"]
    assert ch.value_phrases("en")[0] == "up 0.1428 points"
    assert describe_rank_change(np.array([7.0 - 3.0, np.nan])) == [
        "tăng 4 bậc",
        "chưa có hạng kỳ trước",
    ]


def test_change_default_ranks_from_values() -> None:
    ch = change_vs_previous(np.array([0.3, 0.2, 0.1]), np.array([0.1, 0.2, 0.3]))
    np.testing.assert_array_equal(ch.rank_delta, [2.0, 0.0, -2.0])


def test_round_half_up() -> None:
    assert round_half_up(0.70245, 4) == 0.7025  # np.round would give 0.7024
    assert round_half_up(702.45 / 1000, 4) == 0.7025
    np.testing.assert_array_equal(
        round_half_up(np.array([0.12344, -0.00005]), 4), [0.1234, -0.0001]
    )


def test_strengths_weaknesses_by_rank() -> None:
    # 4 units × 3 items; unit 0 is best on item 2, worst on item 0.
    s = np.array(
        [
            [0.1, 0.5, 0.9],
            [0.4, 0.6, 0.2],
            [0.3, 0.4, 0.3],
            [0.2, np.nan, 0.1],
        ]
    )
    sw = strengths_weaknesses(s, k=2)
    assert sw.strengths[0].tolist() == [2, 1]  # ranks: item0 4, item1 2, item2 1
    assert sw.weaknesses[0].tolist() == [0, 1]
    # unit 3 has only 2 scored items: item 0 rank 3, item 2 rank 4
    assert sw.strengths[3].tolist() == [0, 2]
    sw3 = strengths_weaknesses(s, k=3)
    assert sw3.strengths[3].tolist() == [0, 2, -1]


def test_strengths_weaknesses_by_median_and_groups() -> None:
    s = np.array([[0.9, 0.1], [0.5, 0.5], [0.1, 0.9], [0.0, 0.0]])
    sw = strengths_weaknesses(s, k=1, method="median", groups=["x", "x", "x", None])
    # peer medians of group x: [0.5, 0.5]
    assert sw.strengths[:3, 0].tolist() == [0, 0, 1]
    assert sw.weaknesses[:3, 0].tolist() == [1, 0, 0]
    assert sw.strengths[3, 0] == -1
    np.testing.assert_allclose(sw.measure[0], [0.4, -0.4])
