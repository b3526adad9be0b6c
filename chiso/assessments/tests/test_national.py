"""The national DTI of provinces from the bundled 922/QĐ-BTTTT framework: Quảng Ninh 2022
reproduced from its published main indices, and merged provinces (mean of predecessors'
main indices, the official 2024 rule)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from chiso.assessments import frameworks, scoring
from chiso.assessments.models import ComponentEntry, Result
from chiso.orgs.models import OrgUnit, UnitSuccession

from .conftest import make_assessment

pytestmark = pytest.mark.django_db
DATA = Path(frameworks.__file__).resolve().parent / "data"
MAIN = ["NT", "TC", "HT", "NL", "ATTT", "HD_CQS", "HD_KTS", "HD_XHS"]
# dti.gov.vn, DTI 2022 (DTI.md, "Worked example")
QUANG_NINH_2022 = [0.9581, 0.9000, 0.7648, 0.6250, 0.5382, 0.8385, 0.5904, 0.4505]


@pytest.fixture
def national(tree):
    fw = frameworks.save(yaml.safe_load((DATA / "dti_tinh_2022.yaml").read_text()))
    return make_assessment(fw, tree["VN"], year=2022, kinds=("province",))


def enter_main_indices(assessment, unit, values):
    nodes = {n.code.removesuffix(".Q"): n for n in assessment.framework.nodes.filter(kind="component")}
    for code, value in zip(MAIN, values, strict=True):
        node = nodes[code]
        ComponentEntry.objects.create(assessment=assessment, unit=unit, node=node,
                                      self_points=value * node.max_points)


def figures(assessment, unit) -> dict[str, Result]:
    return {r.node.code: r for r in Result.objects.filter(assessment=assessment, unit=unit)
            .select_related("node")}


def test_quang_ninh_2022_is_reproduced_from_its_main_indices(national, tree):
    enter_main_indices(national, tree["P1"], QUANG_NINH_2022)
    enter_main_indices(national, tree["P2"], [0.5] * 8)
    scoring.recompute(national)
    r = figures(national, tree["P1"])
    # Published: DTI 0,7024; Chính quyền số 0,7804; Kinh tế số 0,7187; Xã hội số 0,6864.
    # Published figures are rounded from unrounded points (±0,0001, DTI.md).
    assert r["DTI"].score == pytest.approx(0.7024, abs=1e-4)
    assert r["CQS"].score == pytest.approx(0.7804, abs=1e-4)
    assert r["KTS"].score == pytest.approx(0.7187, abs=1e-4)
    assert r["XHS"].score == pytest.approx(0.6864, abs=1e-4)
    assert r["HD_CQS"].score == pytest.approx(0.8385)
    assert r["DTI"].rank == 1 and figures(national, tree["P2"])["DTI"].rank == 2


def test_a_merged_province_takes_the_mean_of_its_predecessors_main_indices(national, tree):
    enter_main_indices(national, tree["P1"], QUANG_NINH_2022)
    enter_main_indices(national, tree["P2"], [0.5] * 8)
    merged = OrgUnit.objects.create(code="P12", name="Tỉnh Mới", kind="province",
                                    parent=tree["VN"], valid_from=dt.date(2025, 7, 1))
    for old in (tree["P1"], tree["P2"]):
        old.valid_to = dt.date(2025, 6, 30)
        old.save()
        UnitSuccession.objects.create(predecessor=old, successor=merged, kind="merger",
                                      effective_date=dt.date(2025, 7, 1))
    scoring.recompute(national)
    # The predecessors keep their own results...
    assert figures(national, tree["P1"])["DTI"].score == pytest.approx(0.7024, abs=1e-4)
    r = figures(national, merged)
    assert r["DTI"].origin == Result.Origin.MERGED
    # ...and the merged province's main indices are their means; DTI recomputed from them.
    for code, qn in zip(MAIN, QUANG_NINH_2022, strict=True):
        assert r[code].score == pytest.approx((qn + 0.5) / 2)
    expected = sum((qn + 0.5) / 2 * w for qn, w in
                   zip(QUANG_NINH_2022, [100] * 5 + [200, 150, 150], strict=True)) / 1000
    assert r["DTI"].score == pytest.approx(expected)
    assert r["DTI"].rank == 1  # alone among the provinces after the merger
