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
