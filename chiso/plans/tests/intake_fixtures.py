"""Fixtures shared by the intake tests (inbox, reminders, paste, copy): one in-force plan
of province P1 (from `chiso/conftest.py`'s `tree`) with a task led by commune C1 and a
target led by agency A1, and people with e-mail addresses.

Made available to every test of the app by `conftest.py`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from chiso.conftest import make_user
from chiso.metrics.models import Metric
from chiso.orgs.models import Role

from ..models import Plan, Target, TargetValue, Task

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: dt.date, hour: int = 7) -> dt.datetime:
    """A moment of `day` in Vietnam (the clock the reminders run on)."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=HCM)


@pytest.fixture
def staff(people, tree):
    """`people` with e-mail addresses, plus a reporter and a head for agency A1."""
    for key, user in people.items():
        user.email = f"{user.username}@example.vn"
        user.first_name = key
        user.save()
    more = {
        "reporter_a1": make_user("reporter_a1", Role.REPORTER, tree["A1"],
                                 email="reporter_a1@example.vn"),
        "head_a1": make_user("head_a1", Role.HEAD, tree["A1"], email="head_a1@example.vn"),
    }
    return {**people, **more}


@pytest.fixture
def intake_metric(db):
    return Metric.objects.create(
        code="DVC_TT", name="Tỷ lệ hồ sơ trực tuyến", value_type=Metric.ValueType.PERCENTAGE,
        unit_of_measure="%", rollup=Metric.Rollup.RATIO, frequency="quarter", decimals=1)


@pytest.fixture
def intake_plan(tree, staff, intake_metric):
    """Plan 59/KH-UBND of P1 for 2026, in force, reporting quarterly."""
    plan = Plan.objects.create(
        kind=Plan.Kind.PLAN, number="59/KH-UBND", title="Chuyển đổi số năm 2026",
        issuer=tree["P1"], owner=tree["P1"], start_year=2026, end_year=2026,
        status=Plan.Status.IN_FORCE, report_frequency="quarter", signed_on=dt.date(2026, 1, 15))
    task = Task.objects.create(plan=plan, code="1", description="Số hóa hồ sơ một cửa",
                               lead_unit=tree["C1"], start_date=dt.date(2026, 1, 20),
                               due_date=dt.date(2026, 3, 20),
                               created_at=at(dt.date(2026, 1, 16)))
    target = Target.objects.create(plan=plan, code="1", statement="Tỷ lệ hồ sơ trực tuyến đạt 55%",
                                   metric=intake_metric, lead_unit=tree["A1"])
    TargetValue.objects.create(target=target, year=2026, value=55)
    plan.task, plan.target = task, target
    return plan
