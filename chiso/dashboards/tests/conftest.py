"""Data for the dashboards on the shared `tree` (VN → P1 → C1, C2, A1; VN → P2 → C3).

- "HS_TT", a quarterly rate (ratio of sums) reported by communes, wards and agencies,
  with accepted values for 2024 and 2025 in C1, C2, A1 and C3; a submitted (not yet
  accepted) value in C1 for 2025Q4 that no panel may count;
- "DVC", a number metric (never on the rate panels);
- two rounds of P1 for its communes, dated from today: one past its deadline (C1 sent it
  on time, C2 never did) and one open (nobody has sent it yet).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from chiso.metrics import services
from chiso.metrics.models import Metric, Period, Source, State
from chiso.orgs.models import OrgUnit
from chiso.rounds import workflow
from chiso.rounds.models import ReportingRound, RoundItem, RoundSection, RoundTarget

K = OrgUnit.Kind


@pytest.fixture(autouse=True)
def empty_cache():
    """Rendered panels are cached by unit id and event id, which repeat between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def vietnamese():
    translation.activate("vi")
    yield
    translation.deactivate()


def quarter_values(unit_index: int, year: int, q: int) -> tuple[int, int]:
    """(numerator, denominator): different per unit, year and quarter."""
    den = 100 + 10 * unit_index + q
    num = 40 + 7 * unit_index + 5 * (year - 2024) + q
    return num, den


@pytest.fixture
def metrics(db):
    rate = Metric.objects.create(
        code="HS_TT", name="Tỷ lệ hồ sơ trực tuyến", value_type=Metric.ValueType.PERCENTAGE,
        rollup="ratio", time_rollup="ratio", frequency="quarter",
        reporting_kinds=[K.COMMUNE, K.WARD, K.DEPARTMENT])
    count = Metric.objects.create(code="DVC", name="Số dịch vụ công", value_type="number",
                                  frequency="quarter", reporting_kinds=[K.COMMUNE])
    return {"rate": rate, "count": count}


@pytest.fixture
def values(tree, metrics):
    rate = metrics["rate"]
    for i, code in enumerate(["C1", "C2", "A1", "C3"]):
        for year in (2024, 2025):
            for q in (1, 2, 3, 4):
                num, den = quarter_values(i, year, q)
                services.save_value(rate, tree[code], f"{year}Q{q}",
                                    {"numerator": num, "denominator": den}, user=None,
                                    source=Source.FORM, state=State.ACCEPTED)
        services.save_value(metrics["count"], tree[code], "2025Q1", {"value": 999}, user=None,
                            state=State.ACCEPTED) if code in ("C1", "C2") else None
    services.save_value(rate, tree["C1"], "2026Q1", {"numerator": 1, "denominator": 100},
                        user=None, state=State.SUBMITTED)
    return rate


def _round(tree, people, metric, name, opens, deadline) -> ReportingRound:
    rnd = ReportingRound.objects.create(
        name=name, owner=tree["P1"], period=Period.objects.for_code("2026Q1"),
        opens_on=opens, deadline=deadline, created_by=people["admin"])
    RoundTarget.objects.create(round=rnd, unit=tree["P1"], kinds=[K.COMMUNE, K.WARD])
    section = RoundSection.objects.create(round=rnd, order=1, title="Dịch vụ công")
    RoundItem.objects.create(round=rnd, section=section, metric=metric, order=1, required=False)
    workflow.sync_submissions(rnd)
    return rnd


@pytest.fixture
def rounds(tree, people, metrics):
    today = timezone.localdate()
    past = _round(tree, people, metrics["rate"], "Kỳ đã hết hạn", today - dt.timedelta(days=30),
                  today - dt.timedelta(days=5))
    sub = past.submissions.get(unit=tree["C1"])
    workflow.submit(sub, people["reporter"], now=timezone.now() - dt.timedelta(days=10))
    current = _round(tree, people, metrics["rate"], "Kỳ đang mở", today - dt.timedelta(days=3),
                     today + dt.timedelta(days=10))
    return {"past": past, "current": current}


def as_decimal(x) -> Decimal:
    return Decimal(str(x))


# --- assessments: results as chiso.assessments.scoring writes them ----------------------
@pytest.fixture
def dti(tree, people):
    """A framework (total; pillars A, B, C; main indices A1, B1, KT, one under each).

    - P1's own assessment of 2025 over C1, C2, A1 (provisional);
    - the national assessment of 2025 over P1 and P2 (published, public);
    - official published DTI of P1 for 2023 and 2024.
    """
    from chiso.assessments.models import (
        Assessment,
        Framework,
        FrameworkNode,
        PublishedResult,
        Result,
        Scope,
    )

    N = FrameworkNode.Kind
    fw = Framework.objects.create(code="FW", name="Bộ chỉ số thử", year=2025,
                                  scope=Scope.LOCAL_INDEX)
    total = FrameworkNode.objects.create(framework=fw, code="DTI", name="DTI", kind=N.TOTAL,
                                         max_points=100, order=0)
    pa = FrameworkNode.objects.create(framework=fw, code="A", name="Chính quyền số",
                                      kind=N.PILLAR, max_points=60, order=1)
    pb = FrameworkNode.objects.create(framework=fw, code="B", name="Xã hội số", kind=N.PILLAR,
                                      max_points=40, order=2)
    pc = FrameworkNode.objects.create(framework=fw, code="C", name="Kinh tế số", kind=N.PILLAR,
                                      max_points=20, order=3)
    a1 = FrameworkNode.objects.create(framework=fw, code="A1", name="Dịch vụ công",
                                      kind=N.MAIN, max_points=60, order=4)
    b1 = FrameworkNode.objects.create(framework=fw, code="B1", name="Kỹ năng số",
                                      kind=N.MAIN, max_points=40, order=5)
    kt = FrameworkNode.objects.create(framework=fw, code="KT", name="Doanh nghiệp số",
                                      kind=N.MAIN, max_points=20, order=6)
    a1.parents.set([total, pa])
    b1.parents.set([total, pb])
    kt.parents.set([total, pc])
    for pillar in (pa, pb, pc):
        pillar.parents.set([total])

    def assessment(name, owner, state, visibility):
        rnd = ReportingRound.objects.create(
            name=name, owner=owner, period=Period.objects.for_code("2025"),
            opens_on=dt.date(2025, 10, 1), deadline=dt.date(2025, 10, 15))
        return Assessment.objects.create(name=name, framework=fw, year=2025, owner=owner,
                                         round=rnd, state=state, visibility=visibility,
                                         published_at=timezone.now() if state == "published"
                                         else None,
                                         # results below are written as scoring would,
                                         # so they are current (not recomputed on read)
                                         scored_at=timezone.now())

    local = assessment("Đánh giá CĐS cấp xã 2025", tree["P1"], "provisional", "owner")
    national = assessment("DTI cấp tỉnh 2025", tree["VN"], "published", "public")
    # unit → (total, A, B, A1, B1, rank, change, places); C and KT are (A + B) / 2
    scores = {
        local: {"C1": (0.70, 0.80, 0.55, 0.80, 0.55, 2, 0.05, 1),
                "C2": (0.82, 0.90, 0.70, 0.90, 0.70, 1, -0.01, 0),
                "A1": (0.40, 0.50, 0.25, 0.50, 0.25, 3, None, None)},
        national: {"P1": (0.6512, 0.70, 0.58, 0.70, 0.58, 1, 0.0312, 2),
                   "P2": (0.5020, 0.45, 0.58, 0.45, 0.58, 2, -0.02, -1)},
    }
    for a, rows in scores.items():
        for code, (t, sa, sb, sa1, sb1, rank, change, places) in rows.items():
            sc = round((sa + sb) / 2, 4)
            for node, score in ((total, t), (pa, sa), (pb, sb), (pc, sc), (a1, sa1), (b1, sb1),
                                (kt, sc)):
                Result.objects.create(assessment=a, unit=tree[code], node=node, score=score,
                                      rank=rank if node == total else None,
                                      change=change if node == total else None,
                                      places=places if node == total else None)
    PublishedResult.objects.create(year=2023, scope=Scope.PROVINCIAL_DTI, unit=tree["P1"],
                                   value=0.55, rank=5, rank_of=63)
    PublishedResult.objects.create(year=2024, scope=Scope.PROVINCIAL_DTI, unit=tree["P1"],
                                   value=0.62, rank=3, rank_of=63)
    return {"local": local, "national": national, "nodes": (total, pa, pb, pc, a1, b1, kt)}


# --- plans ------------------------------------------------------------------------------
@pytest.fixture
def plans(tree, values):
    """P1's plan: one target on HS_TT at P1 (≥ 95 % in 2025: not achieved, the rate is
    about 50 %), one task overdue (lead C1), one done, one cancelled; P2's plan with an
    overdue task that P1's dashboard must not count."""
    from chiso.plans.models import Plan, Target, TargetValue, Task

    today = timezone.localdate()
    plan = Plan.objects.create(kind="plan", number="59/KH-UBND", title="Kế hoạch CĐS",
                               issuer=tree["P1"], owner=tree["P1"], start_year=2024,
                               end_year=2025)
    target = Target.objects.create(plan=plan, code="1", statement="Tỷ lệ hồ sơ trực tuyến "
                                   "đạt 95 %", metric=values, unit=tree["P1"], comparison="gte")
    TargetValue.objects.create(target=target, year=2025, value=Decimal("95"))
    late = Task.objects.create(plan=plan, code="1", description="Xây dựng kho dữ liệu",
                               lead_unit=tree["C1"], due_date=today - dt.timedelta(days=20))
    Task.objects.create(plan=plan, code="2", description="Tập huấn kỹ năng số",
                        lead_unit=tree["A1"], due_date=today - dt.timedelta(days=40),
                        completed_at=today - dt.timedelta(days=50))
    Task.objects.create(plan=plan, code="3", description="Việc đã hủy", lead_unit=tree["C2"],
                        cancelled=True, cancel_reason="Không còn cần thiết")
    other = Plan.objects.create(kind="plan", title="Kế hoạch tỉnh Hai", issuer=tree["P2"],
                                owner=tree["P2"], start_year=2025, end_year=2025)
    Task.objects.create(plan=other, description="Việc của tỉnh Hai", lead_unit=tree["C3"],
                        due_date=today - dt.timedelta(days=3))
    return {"plan": plan, "target": target, "late": late}
