"""Tests for chiso.index.dti (provincial DTI of 922/QĐ-BTTTT, figures from DTI.md)."""

from __future__ import annotations

import numpy as np
import pytest

from chiso.index.dti import (
    SCORED,
    Component,
    component_points,
    dti_framework,
    dti_from_components,
    dti_from_main_indices,
    main_indices_from_components,
    merge_units,
    point_weights,
)

# Quảng Ninh, DTI 2022 (dti.gov.vn via DTI.md; pillars also in seed 001), SCORED order:
# NT, TC, HT, NL, ATTT, HĐ-CQS, HĐ-KTS, HĐ-XHS.
QUANG_NINH_2022 = [0.9581, 0.9000, 0.7648, 0.6250, 0.5382, 0.8385, 0.5904, 0.4505]


def test_quang_ninh_2022_from_main_indices() -> None:
    res = dti_from_main_indices(np.array([QUANG_NINH_2022]))
    # Published figures are rounded from unrounded points, so a recomputation from the
    # 4-decimal main indices may differ from the published value by 0.0001 (DTI.md): the
    # comparison uses that tolerance. By hand: foundation points 95.81 + 90 + 76.48 + 62.5
    # + 53.82 = 378.61; DTI = (378.61 + 167.70 + 88.56 + 67.575) / 1000 = 0.702445.
    assert res.dti[0] == pytest.approx(0.702445, abs=1e-12)
    # pillars: (378.61 + 167.70)/700, (378.61 + 88.56)/650, (378.61 + 67.575)/650
    np.testing.assert_allclose(res.pillars[0], [546.31 / 700, 467.17 / 650, 446.185 / 650])
    # Here the rounded recomputation happens to match the published figures exactly.
    assert res.rounded("DTI")[0] == 0.7024
    assert res.rounded("CQS")[0] == 0.7804
    assert res.rounded("KTS")[0] == 0.7187
    assert res.rounded("XHS")[0] == 0.6864
    assert res.table()["DTI"][0] == 0.7024


# A hand-worked (illustrative, "minh họa") component table: two units A and B. The official
# component list of 922 was not found (DTI.md), so the components and declared figures are
# made up; the rules are the official patterns.
COMPONENTS = [
    Component(
        "NT1",
        "NT",
        60,
        "Họp Ban Chỉ đạo",
        {"kind": "steps", "max": 60, "steps": [[4, 60], [3, 45], [2, 30], [1, 15]]},
    ),
    Component(
        "NT2",
        "NT",
        40,
        "Trưởng Ban Chỉ đạo",
        {"kind": "choice", "max": 40, "choices": {"chu_tich": 1, "pho_chu_tich": 0.5, "khong": 0}},
    ),
    Component("TC1", "TC", 100, "Chủ tịch chủ trì", {"kind": "ratio", "max": 100}),
    Component("HT1", "HT", 100, "So với tỉnh tốt nhất", {"kind": "relative_best", "max": 100}),
    Component(
        "NL1",
        "NL",
        100,
        "Tham dự và chủ trì",
        {
            "kind": "parts",
            "max": 100,
            "parts": [
                {"name": "tham_du", "kind": "choice", "max": 50, "choices": {"co": 1, "khong": 0}},
                {"name": "chu_tri", "kind": "ratio", "max": 50},
            ],
        },
    ),
    Component(
        "ATTT1", "ATTT", 60, "Tỷ lệ hệ thống được phê duyệt cấp độ", {"kind": "ratio", "max": 60}
    ),
    Component(
        "ATTT2", "ATTT", 40, "Thành phần có thể không áp dụng", {"kind": "direct", "max": 40}
    ),
    Component("CQS1", "HD_CQS", 200, "", {"kind": "direct", "max": 200}),
    Component("KTS1", "HD_KTS", 150, "", {"kind": "direct", "max": 150}),
    Component("XHS1", "HD_XHS", 150, "", {"kind": "direct", "max": 150}),
]
DECLARED = {
    "NT1": {"value": [3, 4]},
    "NT2": {"value": ["pho_chu_tich", "chu_tich"]},
    "TC1": {"a": [45, 60], "b": [60, 60]},
    "HT1": {"value": [30, 40]},
    "NL1": {"value": ["co", "co"], "a": [1, 4], "b": [4, 4]},
    "ATTT1": {"a": [2, 4], "b": [4, 4]},
    "ATTT2": {"value": [0, 40]},
    "CQS1": {"value": [120, 200]},
    "KTS1": {"value": [90, 150]},
    "XHS1": {"value": [60, 150]},
}
APPLICABLE = {"ATTT2": [False, True]}  # ATTT2 does not apply to unit A


def test_hand_worked_unit_declared_to_dti() -> None:
    points, results = component_points(COMPONENTS, DECLARED, APPLICABLE)
    # Unit A, by hand:
    #   NT1 met 3 times -> 45; NT2 vice-chairman -> 0.5 × 40 = 20; NT = 65/100 = 0.65
    #   TC1 45/60 × 100 = 75 -> TC 0.75
    #   HT1 30 / best 40 × 100 = 75 -> HT 0.75
    #   NL1 attending 50 + chairing 1/4 × 50 = 12.5 -> 62.5 -> NL 0.625
    #   ATTT1 2/4 × 60 = 30; ATTT2 not applicable -> ATTT = 30 / 60 = 0.5 (converted 50)
    #   HĐ-CQS 120/200 = 0.6; HĐ-KTS 90/150 = 0.6; HĐ-XHS 60/150 = 0.4
    #   foundation points 65 + 75 + 75 + 62.5 + 50 = 327.5
    #   CQS pillar (327.5 + 120)/700 = 0.639285… -> 0.6393
    #   KTS pillar (327.5 + 90)/650 = 0.642307… -> 0.6423
    #   XHS pillar (327.5 + 60)/650 = 0.596153… -> 0.5962
    #   DTI (327.5 + 120 + 90 + 60)/1000 = 0.5975
    np.testing.assert_allclose(points[0], [45, 20, 75, 75, 62.5, 30, np.nan, 120, 90, 60])
    np.testing.assert_allclose(points[1], [60, 40, 100, 100, 100, 60, 40, 200, 150, 150])
    res = dti_from_components(points, COMPONENTS, units=["A", "B"])
    np.testing.assert_allclose(res.main[0], [0.65, 0.75, 0.75, 0.625, 0.5, 0.6, 0.6, 0.4])
    np.testing.assert_allclose(res.converted[0, 4], 50.0)
    assert res.rounded("CQS").tolist() == [0.6393, 1.0]
    assert res.rounded("KTS").tolist() == [0.6423, 1.0]
    assert res.rounded("XHS").tolist() == [0.5962, 1.0]
    assert res.dti[0] == pytest.approx(0.5975)
    assert res.dti[1] == pytest.approx(1.0)
    assert res.ranks["DTI"].tolist() == [2.0, 1.0]
    assert results["HT1"].explanations()[0] == ("giá trị/tốt nhất × 100 = 30/40 × 100 = 75,00 điểm")
    assert results["ATTT2"].explanations()[0] == "không áp dụng"


def test_not_applicable_rescales_main_index() -> None:
    # Same points, but ATTT2 applicable with 0 points: ATTT drops from 0.5 to 30/100 = 0.3.
    points, _ = component_points(COMPONENTS, DECLARED)
    main = main_indices_from_components(points, COMPONENTS)
    assert main[0, SCORED.index("ATTT")] == pytest.approx(0.3)


def test_points_above_max_are_rejected() -> None:
    points = np.array([[60, 40, 100, 100, 100, 60, 41, 200, 150, 150]], dtype=float)
    with pytest.raises(ValueError, match="ATTT2"):
        dti_from_components(points, COMPONENTS)


def test_ties_share_rank_1_2_15_15_17() -> None:
    # 17 provinces with distinct DTI except two tied at 15th: 1, 2, …, 15, 15, 17 (DTI.md).
    base = np.linspace(0.9, 0.1, 17)
    base[15] = base[14]
    values = np.repeat(base[:, None], len(SCORED), axis=1)
    res = dti_from_main_indices(values)
    ranks = res.ranks["DTI"]
    assert ranks[:2].tolist() == [1.0, 2.0]
    assert ranks[14:].tolist() == [15.0, 15.0, 17.0]


def test_ranks_use_presented_4_decimals() -> None:
    # 0.70244 and 0.70236 both show as 0.7024: the published table gives them one rank.
    values = np.array([[0.70244] * 8, [0.70236] * 8, [0.5] * 8])
    assert dti_from_main_indices(values).ranks["DTI"].tolist() == [1.0, 1.0, 3.0]
    unrounded = dti_from_main_indices(values, rank_decimals=None).ranks["DTI"]
    assert unrounded.tolist() == [1.0, 2.0, 3.0]


def test_grouped_ranks_and_panel() -> None:
    values = np.array([[[0.2] * 8, [0.5] * 8, [0.4] * 8], [[0.6] * 8, [0.5] * 8, [0.4] * 8]])
    res = dti_from_main_indices(values)  # (periods=2, units=3, 8)
    assert res.ranks["DTI"].tolist() == [[3.0, 1.0, 2.0], [1.0, 2.0, 3.0]]
    grouped = dti_from_main_indices(values[0], groups=["so", "xa", "so"])
    assert grouped.ranks["DTI"].tolist() == [2.0, 1.0, 1.0]


def test_merged_province_mean_of_predecessors() -> None:
    # Illustrative figures (minh họa): P3 is merged from P1 and P2, P4 continues alone.
    values = np.array([[0.8] * 8, [0.4] * 8, [0.5] * 8])
    values[1, 5] = 0.2  # P2's HĐ-CQS
    names, merged = merge_units(values, ["P1", "P2", "P4"], {"P3": ["P1", "P2"], "P4": ["P4"]})
    assert names == ["P3", "P4"]
    np.testing.assert_allclose(merged[0], [0.6] * 5 + [0.5] + [0.6] * 2)
    res = dti_from_main_indices(merged, units=names)
    # DTI recomputed from the means: (5 × 60 + 200 × 0.5 + 2 × 150 × 0.6) / 1000 = 0.58
    assert res.dti[0] == pytest.approx(0.58)
    with pytest.raises(ValueError, match="P9"):
        merge_units(values, ["P1", "P2", "P4"], {"X": ["P9"]})


def test_framework_is_a_graph_with_foundation_in_every_pillar() -> None:
    fw = dti_framework()
    assert {p for p, _ in fw.nodes["NT"].parents} == {"CQS", "KTS", "XHS", "DTI"}
    assert dict(fw.nodes["HD_KTS"].parents) == {"KTS": 150.0, "DTI": 150.0}
    with pytest.raises(ValueError, match="HD_XHS"):
        dti_framework([c for c in COMPONENTS if c.main != "HD_XHS"])


def test_smart_city_components_are_left_out() -> None:
    # Đô thị thông minh scores 0 in 922: its components may be listed but do not count.
    dttm = Component("DTTM1", "DTTM", 0, "Đô thị thông minh")
    with_dttm = [*COMPONENTS, dttm]
    fw = dti_framework(with_dttm)
    assert "DTTM1" not in fw.index and "DTTM" not in fw.index
    assert fw.indicators == dti_framework(COMPONENTS).indicators
    points, _ = component_points(COMPONENTS, DECLARED, APPLICABLE)
    extended = np.column_stack([points, np.zeros(len(points))])
    res = dti_from_components(extended, with_dttm)
    np.testing.assert_array_equal(res.dti, dti_from_components(points, COMPONENTS).dti)
    weights = point_weights(with_dttm, ~np.isnan(extended))
    assert (weights[:, -1] == 0).all()
    np.testing.assert_array_equal(weights[:, :-1], point_weights(COMPONENTS, ~np.isnan(points)))


def test_input_shape_errors() -> None:
    with pytest.raises(ValueError, match="NT, TC"):
        dti_from_main_indices(np.zeros((3, 7)))
    with pytest.raises(ValueError, match="ABC"):
        Component("X", "ABC", 10)
