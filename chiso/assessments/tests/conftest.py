"""A small hand-worked framework and an assessment of P1's units (the shared `tree`).

Framework "TEST" (100 points): total DTI ← pillars A and B; the foundation main index NT
(20 points) counts in both pillars, HA (50) only in A, HB (30) only in B — the same graph
shape as the provincial DTI, small enough to work by hand:

    1.1 ratio a/b × 10          (NT)      1.2 steps 4→10, 2→5      (NT)
    2.1 choice chu_tich 1, pho ½ × 50 (HA)     3.1 yes/no (1 → 30) (HB, communes and wards only)
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from chiso.assessments.models import Assessment, Framework, FrameworkNode, Scope
from chiso.metrics.models import Period
from chiso.orgs.models import OrgUnit
from chiso.rounds import workflow
from chiso.rounds.models import ReportingRound, RoundTarget

N = FrameworkNode.Kind


@pytest.fixture(autouse=True)
def vietnamese():
    translation.activate("vi")
    yield
    translation.deactivate()


def make_framework(year: int = 2026, code: str = "TEST") -> Framework:
    fw = Framework.objects.create(code=code, name="Bộ chỉ số thử nghiệm", year=year,
                                  scope=Scope.LOCAL_INDEX, version="1",
                                  bands={"bands": [{"label": "Tốt", "min": 0.8},
                                                   {"label": "Khá", "min": 0.5}],
                                         "below": "Trung bình"})
    def node(code, name, kind, max_points, parents=(), order=0, **extra):
        n = FrameworkNode.objects.create(framework=fw, code=code, name=name, kind=kind,
                                         max_points=max_points, order=order, **extra)
        n.parents.set(parents)
        return n

    total = node("DTI", "Chỉ số tổng hợp", N.TOTAL, 100, order=0)
    pa = node("A", "Trụ cột A", N.PILLAR, 70, order=1)
    pb = node("B", "Trụ cột B", N.PILLAR, 50, order=2)
    nt = node("NT", "Nhận thức số", N.MAIN, 20, [total, pa, pb], order=3)
    ha = node("HA", "Hoạt động A", N.MAIN, 50, [total, pa], order=4)
    hb = node("HB", "Hoạt động B", N.MAIN, 30, [total, pb], order=5)
    node("1.1", "Tỷ lệ cuộc họp do Chủ tịch chủ trì", N.COMPONENT, 10, [nt], order=6,
         rule={"kind": "ratio", "max": 10},
         declared=[{"name": "a", "label": "Số cuộc họp do Chủ tịch chủ trì", "type": "number"},
                   {"name": "b", "label": "Tổng số cuộc họp về CĐS", "type": "number"}])
    node("1.2", "Số lần Ban Chỉ đạo họp", N.COMPONENT, 10, [nt], order=7,
         rule={"kind": "steps", "max": 10, "steps": [[4, 10], [2, 5]]},
         declared=[{"name": "value", "label": "Số lần họp trong năm", "type": "number"}])
    node("2.1", "Trưởng Ban Chỉ đạo", N.COMPONENT, 50, [ha], order=8,
         rule={"kind": "choice", "max": 50, "choices": {"chu_tich": 1, "pho_chu_tich": 0.5}},
         declared=[{"name": "value", "label": "Trưởng Ban Chỉ đạo là", "type": "choice",
                    "choices": [{"code": "chu_tich", "label": "Chủ tịch"},
                                {"code": "pho_chu_tich", "label": "Phó Chủ tịch"}]}])
    node("3.1", "Có cổng thông tin điện tử", N.COMPONENT, 30, [hb], order=9,
         rule={"kind": "steps", "max": 30, "steps": [[1, 30]]},
         declared=[{"name": "value", "label": "Có cổng thông tin", "type": "yes_no"}],
         applies_to=["commune", "ward"])
    return fw


@pytest.fixture
def framework(db):
    return make_framework()


def make_assessment(framework: Framework, owner: OrgUnit, year: int = 2026,
                    kinds=("commune", "ward", "department")) -> Assessment:
    period = Period.objects.for_code(str(year))
    rnd = ReportingRound.objects.create(name=f"Đánh giá {year}", owner=owner, period=period,
                                        opens_on=dt.date(year, 10, 1),
                                        deadline=dt.date(year, 10, 15))
    RoundTarget.objects.create(round=rnd, unit=owner, kinds=list(kinds))
    workflow.sync_submissions(rnd)
    return Assessment.objects.create(name=f"Đánh giá CĐS {year}", framework=framework,
                                     year=year, owner=owner, round=rnd)


@pytest.fixture
def assessment(tree, framework):
    return make_assessment(framework, tree["P1"])


SCORED_DECLARED = {
    # C1 (commune): 7,5 + 5 + 25 + 30 = 67,5 / 100
    "C1": {"1.1": {"a": 3, "b": 4}, "1.2": {"value": 3}, "2.1": {"value": "pho_chu_tich"},
           "3.1": {"value": True}},
    # C2 (ward): 10 + 10 + 50 + 0 = 70 / 100
    "C2": {"1.1": {"a": 4, "b": 4}, "1.2": {"value": 4}, "2.1": {"value": "chu_tich"},
           "3.1": {"value": False}},
    # A1 (agency, 3.1 does not apply): 2,5 + 0 + 25 = 27,5 / 70
    "A1": {"1.1": {"a": 1, "b": 4}, "1.2": {"value": 0}, "2.1": {"value": "pho_chu_tich"}},
}


@pytest.fixture
def scored(assessment, tree):
    """The assessment with every unit's entries scored and results computed (provisional)."""
    from chiso.assessments import scoring
    from chiso.assessments.models import ComponentEntry

    assessment.groups = [{"code": "xa", "label": "Xã, phường", "kinds": ["commune", "ward"]},
                         {"code": "so", "label": "Sở, ngành", "kinds": ["department"]}]
    assessment.save()
    nodes = {n.code: n for n in assessment.framework.nodes.filter(kind="component")}
    entries = [ComponentEntry(assessment=assessment, unit=tree[u], node=nodes[c], declared=d,
                              explanation=f"Giải trình {u} {c}")
               for u, by_code in SCORED_DECLARED.items() for c, d in by_code.items()]
    ComponentEntry.objects.bulk_create(entries)
    scoring.score_entries(assessment)
    scoring.recompute(assessment)
    return assessment
