"""The official DTI 2022 worked example through the engine's points aggregation: a graph in
which the five foundation indices count in all three pillars (DTI.md)."""

from __future__ import annotations

import numpy as np
import pytest

from chiso.index import Coin, Framework, explain

# Quảng Ninh, DTI 2022: main index, max points, value
MAIN = [("NT", 100, 0.9581), ("TC", 100, 0.9000), ("HT", 100, 0.7648), ("NL", 100, 0.6250),
        ("ATTT", 100, 0.5382), ("HD_CQS", 200, 0.8385), ("HD_KTS", 150, 0.5904),
        ("HD_XHS", 150, 0.4505)]
FOUNDATION = {"NT", "TC", "HT", "NL", "ATTT"}


def _meta() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for code, points, _ in MAIN:
        if code in FOUNDATION:
            parents = "DTI|CQS|KTS|XHS"
        else:
            parents = f"DTI|{code[3:]}"
        rows.append({"iCode": code, "Type": "Indicator", "Level": 1.0, "Parent": parents,
                     "Weight": float(points), "Direction": 1.0})
    for code in ("DTI", "CQS", "KTS", "XHS"):
        rows.append({"iCode": code, "Type": "Aggregate", "Level": 2.0, "Parent": None})
    return rows


@pytest.fixture
def coin() -> Coin:
    fw = Framework.from_meta(_meta())
    values = np.array([[[v for _, _, v in MAIN]]])
    return Coin(fw, ["QNI"], values).aggregate("points")


def test_quang_ninh_2022_dti_and_pillars(coin: Coin) -> None:
    # Published: DTI 0.7024, CQS 0.7804, KTS 0.7187, XHS 0.6864 (+-0.0001, DTI.md)
    assert coin.value("DTI", "QNI") == pytest.approx(0.7024, abs=1e-4)
    assert coin.value("CQS", "QNI") == pytest.approx(0.7804, abs=1e-4)
    assert coin.value("KTS", "QNI") == pytest.approx(0.7187, abs=1e-4)
    assert coin.value("XHS", "QNI") == pytest.approx(0.6864, abs=1e-4)
    # by hand: foundation points 378.61; CQS = (378.61 + 167.70) / 700
    assert coin.value("CQS", "QNI") == pytest.approx(546.31 / 700, abs=1e-12)


def test_explain_gives_points_earned_summing_to_the_pillar(coin: Coin) -> None:
    e = explain(coin, "QNI", "CQS")
    assert [c.code for c in e.children] == ["NT", "TC", "HT", "NL", "ATTT", "HD_CQS"]
    assert sum(c.points_max for c in e.children) == 700
    assert sum(c.points_earned for c in e.children) == pytest.approx(546.31)
    assert e.total() == pytest.approx(e.value, abs=1e-12)


def test_a_not_applicable_component_leaves_the_denominator() -> None:
    fw = Framework.from_meta(_meta())
    values = np.array([[[np.nan if c == "ATTT" else v for c, _, v in MAIN]]])
    coin = Coin(fw, ["QNI"], values).aggregate("points")
    assert coin.value("CQS", "QNI") == pytest.approx((378.61 - 53.82 + 167.70) / 600)
