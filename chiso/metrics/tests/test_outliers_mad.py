"""Outlier warnings use the median and MAD, and explain themselves in Vietnamese."""

import math

import numpy as np
import pytest

from chiso.metrics import services
from chiso.metrics.models import OrgUnit, State
from chiso.metrics.outliers import check, outlier_check, robust_z


def test_robust_z_matches_the_formula():
    sample = np.array([10, 12, 11, 13, 9, 10, 50], dtype=float)
    z, median, mad = robust_z(40, sample)
    assert median == 11 and mad == 1  # |x - 11| = 1,1,0,2,2,1,39 → median 1
    assert z == pytest.approx(0.6745 * 29)


def test_one_wild_past_value_does_not_hide_the_next_one():
    # Mean ± 3 SD would accept 400 here because the earlier 1.000 inflates the SD.
    history = [40, 42, 38, 41, 39, 40, 43, 37, 40, 41, 1000, 40]
    found = check(400, history, basis="history", context="12 kỳ trước của đơn vị")
    assert found.message == ("cao bất thường so với 12 kỳ trước của đơn vị: trung vị 40, "
                             "giá trị 400")
    assert check(44, history, basis="history", context="…") is None


def test_mad_zero_falls_back_then_tolerates_small_changes():
    z, _, mad = robust_z(5, np.array([1, 1, 1, 1, 1, 9], dtype=float))
    assert mad == 0 and z == pytest.approx(4 / (1.253314 * 8 / 6))
    assert robust_z(100, np.array([100.0] * 6))[0] == 0
    assert robust_z(105, np.array([100.0] * 6))[0] == 0  # within 10 % of a constant series
    assert math.isinf(robust_z(80, np.array([100.0] * 6))[0])
    assert check(80, [100] * 6, basis="history", context="6 kỳ trước").message.startswith("thấp")


def test_too_few_points_say_nothing():
    assert check(1000, [1, 2, 3], basis="history", context="3 kỳ trước") is None


def test_against_own_history_and_peers(metrics, tree):
    count = metrics["count"]
    for month, v in enumerate([40, 42, 38, 41, 39, 40, 43, 37, 40, 41, 44, 40], start=1):
        services.save_value(count, tree["C1"], f"2023-{month:02d}", {"value": v}, user=None,
                            state=State.ACCEPTED)
    peers = [OrgUnit.objects.create(code=f"W{i}", name=f"Xã {i}", kind="commune",
                                    parent=tree["P1"]) for i in range(6)]
    for unit, v in zip(peers, [350, 420, 380, 410, 390, 400], strict=True):
        services.save_value(count, unit, "2024-01", {"value": v}, user=None)
    from chiso.metrics.models import Period

    jan = Period.objects.for_code("2024-01")
    warnings = outlier_check(count, tree["C1"], jan, 400)
    assert [w.basis for w in warnings] == ["history"]
    assert warnings[0].message == ("cao bất thường so với 12 kỳ trước của đơn vị: trung vị 40, "
                                   "giá trị 400")
    peer_warnings = outlier_check(count, tree["C1"], jan, 40)
    assert [w.basis for w in peer_warnings] == ["peers"]
    assert peer_warnings[0].message == ("thấp bất thường so với 6 đơn vị cùng loại thuộc "
                                        "Tỉnh Một, cùng kỳ: trung vị 395, giá trị 40")
    assert outlier_check(metrics["text"], tree["C1"], jan, None) == []
