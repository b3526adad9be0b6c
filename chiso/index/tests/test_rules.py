"""Tests for chiso.index.rules (DTI component scoring patterns, DTI.md)."""

from __future__ import annotations

import numpy as np
import pytest

from chiso.index.rules import RuleError, parse_rule, score

STEERING = {"kind": "steps", "max": 20, "steps": [[4, 20], [3, 15], [2, 10], [1, 5]]}
CHAIR = {"kind": "choice", "max": 10, "choices": {"chu_tich": 1, "pho_chu_tich": 0.5, "khong": 0}}


def test_ratio_caps_handles_b_zero_and_explains() -> None:
    res = score({"kind": "ratio", "max": 10}, {"a": [45, 70, 3, np.nan], "b": [60, 60, 0, 5]})
    np.testing.assert_allclose(res.points, [7.5, 10.0, 0.0, 0.0])
    text = res.explanations()
    assert text[0] == "a/b × 10 = 45/60 × 10 = 7,50 điểm"
    assert "vượt tối đa" in text[1]
    assert res.explanations("en")[0] == "a/b × 10 = 45/60 × 10 = 7.50 points"


def test_ratio_b_zero_options_and_target() -> None:
    decl = {"a": [0, 40], "b": [0, 50]}
    full = score({"kind": "ratio", "max": 10, "when_b_zero": "max"}, decl)
    np.testing.assert_allclose(full.points, [10.0, 8.0])
    na = score({"kind": "ratio", "max": 10, "when_b_zero": "not_applicable"}, decl)
    assert np.isnan(na.points[0]) and na.points[1] == 8.0
    assert na.explanations()[0] == "không áp dụng"
    # target 80 %: 40/50 = 0.8 reaches the target -> full points
    tgt = score({"kind": "ratio", "max": 10, "target": 0.8}, decl)
    assert tgt.points[1] == 10.0


def test_ratio_named_inputs() -> None:
    rule = {"kind": "ratio", "max": 10, "inputs": {"a": "hop_chu_tich", "b": "tong_hop"}}
    res = score(rule, {"hop_chu_tich": [2], "tong_hop": [4]})
    assert res.points.tolist() == [5.0]


def test_steps_steering_committee_meetings() -> None:
    # DTI.md pattern 2: met 4 times a year: 20; 3: 15; 2: 10; 1: 5; otherwise 0.
    res = score(STEERING, {"value": [6, 4, 3, 2, 1, 0, np.nan]})
    assert res.points.tolist() == [20, 20, 15, 10, 5, 0, 0]
    assert res.explanations()[2] == "3 ≥ 3 → 15,00 điểm"
    assert res.explanations()[5] == "0 < 1 → 0,00 điểm"


def test_steps_at_most_for_fewer_is_better() -> None:
    rule = {"kind": "steps", "max": 10, "direction": "at_most", "steps": [[0, 10], [2, 5]]}
    assert score(rule, {"value": [0, 1, 2, 3]}).points.tolist() == [10, 5, 5, 0]


def test_choice_chairman_vice_none() -> None:
    # DTI.md pattern 3: chairman: max; a vice-chairman: ½ max; no committee: 0.
    res = score(CHAIR, {"value": ["chu_tich", "pho_chu_tich", "khong", None]})
    assert res.points.tolist() == [10.0, 5.0, 0.0, 0.0]
    assert res.explanations()[1] == "chọn “pho_chu_tich” → 0,50 × 10 = 5,00 điểm"
    with pytest.raises(RuleError, match="giam_doc"):
        score(CHAIR, {"value": ["giam_doc"]})


def test_parts_sum_capped() -> None:
    # DTI.md pattern 4: ½ max for attending, ½ max for chairing; plus an illustrative bonus
    # part so that the cap matters.
    rule = {
        "kind": "parts",
        "max": 10,
        "parts": [
            {
                "name": "tham_du",
                "kind": "choice",
                "max": 5,
                "choices": {"co": 1, "khong": 0},
                "inputs": {"value": "tham_du"},
            },
            {"name": "chu_tri", "kind": "ratio", "max": 5, "inputs": {"a": "chu_tri", "b": "hop"}},
            {
                "name": "thuong",
                "kind": "steps",
                "max": 3,
                "steps": [[1, 3]],
                "inputs": {"value": "sang_kien"},
            },
        ],
    }
    decl = {"tham_du": ["co", "khong"], "chu_tri": [2, 1], "hop": [4, 4], "sang_kien": [1, 0]}
    res = score(rule, decl)
    # unit 0: 5 + 2/4×5 + 3 = 10.5 -> capped at 10; unit 1: 0 + 1.25 + 0 = 1.25
    np.testing.assert_allclose(res.points, [10.0, 1.25])
    assert "tối đa 10" in res.explanations()[0]
    assert parse_rule(rule).to_dict()["parts"][1]["inputs"] == {"a": "chu_tri", "b": "hop"}


def test_relative_best_over_applicable_units() -> None:
    res = score(
        {"kind": "relative_best", "max": 10},
        {"value": [30, 40, 100]},
        applicable=[True, True, False],
    )
    np.testing.assert_allclose(res.points[:2], [7.5, 10.0])
    assert np.isnan(res.points[2])
    assert res.explanations()[0] == "giá trị/tốt nhất × 10 = 30/40 × 10 = 7,50 điểm"
    low = score({"kind": "relative_best", "max": 10, "direction": "lower"}, {"value": [2, 4]})
    np.testing.assert_allclose(low.points, [10.0, 5.0])
    zero = score({"kind": "relative_best", "max": 10}, {"value": [0, 0]})
    assert zero.points.tolist() == [0.0, 0.0]


def test_explanations_of_many_units_read_declared_lists_once() -> None:
    # 3,000 units declared as Python lists (the slow case: each explanation used to convert
    # both whole inputs again); the text is the one a single unit gets.
    n = 3000
    a: list[object] = [i % 70 for i in range(n)]
    b: list[object] = [60] * n
    a[1], b[2], b[3], a[4] = None, 0, "", "12.5"
    res = score({"kind": "ratio", "max": 10}, {"a": a, "b": b})
    vi, en = res.explanations(), res.explanations("en")
    assert len(vi) == len(en) == n
    expected = {
        0: "a/b × 10 = 0/60 × 10 = 0,00 điểm",
        1: "chưa khai báo a hoặc b → 0 điểm",
        2: "b = 0 → 0,00 điểm",
        3: "chưa khai báo a hoặc b → 0 điểm",
        4: "a/b × 10 = 12,50/60 × 10 = 2,08 điểm",
        45: "a/b × 10 = 45/60 × 10 = 7,50 điểm",
        69: "a/b × 10 = 69/60 × 10 = 10,00 điểm (vượt tối đa, tính 10)",
        2999: "a/b × 10 = 59/60 × 10 = 9,83 điểm",
    }
    assert {i: vi[i] for i in expected} == expected
    assert en[69] == "a/b × 10 = 69/60 × 10 = 10.00 points (above max, counted as 10)"
    for i in expected:
        alone = score({"kind": "ratio", "max": 10}, {"a": [a[i]], "b": [b[i]]})
        assert alone.explanations() == [vi[i]] and alone.explanations("en") == [en[i]]


def test_choice_inputs_are_left_as_given() -> None:
    # "1" is an answer, not the number 1: a part reading it as a choice keeps it a string.
    rule = {
        "kind": "parts",
        "max": 10,
        "parts": [
            {"kind": "choice", "max": 5, "choices": {"1": 1, "2": 0.5}},
            {"kind": "direct", "max": 5, "inputs": {"value": "pts"}},
        ],
    }
    assert parse_rule(rule).numeric_inputs() == ["pts"]
    res = score(rule, {"value": ["1", "2"], "pts": [4, None]})
    np.testing.assert_allclose(res.points, [9.0, 2.5])
    assert res.explanations()[1] == (
        "[1: chọn “2” → 0,50 × 5 = 2,50 điểm] + [2: điểm nhập trực tiếp → 0,00 điểm] = 2,50 điểm"
    )


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"kind": "ratoi", "max": 10}, "kind"),
        ({"kind": "ratio"}, "max"),
        ({"kind": "ratio", "max": "10"}, "max"),
        ({"kind": "ratio", "max": 10, "target": 0}, "target"),
        ({"kind": "ratio", "max": 10, "when_b_zero": "x"}, "when_b_zero"),
        ({"kind": "ratio", "max": 10, "inputs": {"c": "x"}}, "inputs.c"),
        ({"kind": "steps", "max": 20, "steps": [[4, 25]]}, "steps[0]"),
        ({"kind": "steps", "max": 20, "steps": [[4, 20], [4, 10]]}, "steps"),
        ({"kind": "steps", "max": 20, "steps": [4, 20]}, "steps[0]"),
        ({"kind": "choice", "max": 10, "choices": {"a": 2}}, "choices.a"),
        ({"kind": "parts", "max": 10, "parts": [{"kind": "ratio"}]}, "parts[0].max"),
        ({"kind": "direct", "max": 10, "extra": 1}, "extra"),
    ],
)
def test_parse_rule_errors_name_the_field(spec: dict, field: str) -> None:
    with pytest.raises(RuleError) as err:
        parse_rule(spec)
    assert err.value.field == field
    assert " / " in str(err.value)  # Vietnamese / English


def test_round_trip_to_dict() -> None:
    for spec in (
        STEERING,
        CHAIR,
        {"kind": "ratio", "max": 10, "when_b_zero": "max"},
        {"kind": "relative_best", "max": 10, "direction": "lower"},
    ):
        assert parse_rule(parse_rule(spec).to_dict()) == parse_rule(spec)
    assert parse_rule(STEERING).to_dict() == {**STEERING, "max": 20}


def test_missing_input_and_wrong_length() -> None:
    with pytest.raises(RuleError, match="b"):
        score({"kind": "ratio", "max": 10}, {"a": [1]})
    with pytest.raises(RuleError, match="cần 3 giá trị"):
        score({"kind": "ratio", "max": 10}, {"a": [1, 2, 3], "b": [1, 2]})


def test_direct_points_clipped() -> None:
    res = score({"kind": "direct", "max": 10}, {"value": [12, -1, 7.5]})
    assert res.points.tolist() == [10.0, 0.0, 7.5]
