"""A round for the shared `tree`: P1 sends a two-section form to its communes C1 and C2.

Section 1 "Dịch vụ công" holds a number and a percentage; section 2 "Hạ tầng" a yes/no
and an optional count. The round opened on 01/10/2026 and is due on 15/10/2026; tests
pass `now` (BEFORE, AFTER) to the workflow instead of reading the clock.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from chiso.conftest import make_user
from chiso.metrics import services
from chiso.metrics.models import Metric, Period
from chiso.orgs.models import OrgUnit, Role
from chiso.rounds import workflow
from chiso.rounds.models import ReportingRound, RoundItem, RoundSection, RoundTarget

T = Metric.ValueType


def at(day: int, month: int = 10, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, 0))


BEFORE = at(10)   # within the round, before the deadline
AFTER = at(20)    # after the deadline of 15/10/2026


@pytest.fixture(autouse=True)
def vietnamese():
    """Messages are asserted in Vietnamese; an English page in an earlier test of the
    same worker must not leak its language into this thread."""
    translation.activate("vi")
    yield
    translation.deactivate()


@pytest.fixture
def metrics(db):
    return {
        "services": Metric.objects.create(code="DVC", name="Số dịch vụ công trực tuyến",
                                          value_type=T.NUMBER, min_value=0),
        "online": Metric.objects.create(code="HS_TT", name="Tỷ lệ hồ sơ trực tuyến",
                                        value_type=T.PERCENTAGE, rollup="ratio",
                                        numerator_label="Hồ sơ trực tuyến",
                                        denominator_label="Tổng số hồ sơ"),
        "portal": Metric.objects.create(code="CONG_TT", name="Có cổng thông tin điện tử",
                                        value_type=T.YES_NO),
        "staff": Metric.objects.create(code="CB_CDS", name="Số cán bộ chuyên trách CĐS",
                                       value_type=T.COUNT),
    }


@pytest.fixture
def round(people, metrics):
    tree_p1 = OrgUnit.objects.get(code="P1")
    rnd = ReportingRound.objects.create(
        name="Báo cáo CĐS quý III/2026", owner=tree_p1, period=Period.objects.for_code("2026Q3"),
        opens_on=dt.date(2026, 10, 1), deadline=dt.date(2026, 10, 15),
        created_by=people["admin"])
    RoundTarget.objects.create(round=rnd, unit=tree_p1,
                               kinds=[OrgUnit.Kind.COMMUNE, OrgUnit.Kind.WARD])
    s1 = RoundSection.objects.create(round=rnd, order=1, title="Dịch vụ công")
    s2 = RoundSection.objects.create(round=rnd, order=2, title="Hạ tầng")
    RoundItem.objects.create(round=rnd, section=s1, metric=metrics["services"], order=1)
    RoundItem.objects.create(round=rnd, section=s1, metric=metrics["online"], order=2)
    RoundItem.objects.create(round=rnd, section=s2, metric=metrics["portal"], order=1)
    RoundItem.objects.create(round=rnd, section=s2, metric=metrics["staff"], order=2,
                             required=False)
    workflow.sync_submissions(rnd)
    return rnd


@pytest.fixture
def sections(round):
    return list(round.sections.all())


@pytest.fixture
def sub(round, tree):
    """C1's submission (the commune of the `people` reporter and head)."""
    return round.submissions.get(unit=tree["C1"])


def fill(submission, user, metrics) -> None:
    """Fill every required field of the form, as the unit's reporter would."""
    unit, period = submission.unit, submission.round.period
    services.save_value(metrics["services"], unit, period, {"value": 12}, user=user)
    services.save_value(metrics["online"], unit, period, {"numerator": 45, "denominator": 50},
                        user=user)
    services.save_value(metrics["portal"], unit, period, {"value": "1"}, user=user)


@pytest.fixture
def filled(sub, people, metrics):
    fill(sub, people["reporter"], metrics)
    return sub


@pytest.fixture
def submitted(filled, people):
    return workflow.submit(filled, people["reporter"], now=BEFORE)


@pytest.fixture
def other_reporter(tree):
    return make_user("reporter_c2", Role.REPORTER, tree["C2"])


@pytest.fixture
def clock(monkeypatch):
    """Fake clock for views: `clock.now` is what django.utils.timezone.now returns."""

    class Clock:
        now = BEFORE

    monkeypatch.setattr("django.utils.timezone.now", lambda: Clock.now)
    return Clock
