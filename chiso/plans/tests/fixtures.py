"""Fixtures for the status, counts and page tests: a plan of province P1 (the shared `tree`), metrics, and a
helper that stores accepted values through the metrics service (as every real value is)."""

from __future__ import annotations

import pytest

from chiso.metrics.models import Metric, Period, State
from chiso.metrics.services import save_value
from chiso.orgs.models import OrgUnit
from chiso.plans.models import Plan, Target, TargetValue

K = OrgUnit.Kind


def put(metric: Metric, unit: OrgUnit, period: str, value=None, num=None, den=None,
        state: str = State.ACCEPTED) -> None:
    data = {}
    if num is not None:
        data = {"numerator": num, "denominator": den}
    else:
        data = {"value": value}
    save_value(metric, unit, Period.objects.for_code(period), data, user=None, source="form",
               state=state)


@pytest.fixture
def rate(db):
    """Online applications, reported half-yearly by communes, wards and agencies."""
    return Metric.objects.create(
        code="HS_TT", name="Tỷ lệ hồ sơ trực tuyến", value_type="percentage", frequency="half",
        reporting_kinds=[K.COMMUNE, K.WARD, K.DEPARTMENT], rollup="ratio", time_rollup="ratio",
        decimals=1, min_value=0, max_value=100)


@pytest.fixture
def rank(db):
    return Metric.objects.create(
        code="DTI_HANG", name="Thứ hạng DTI", value_type="number", frequency="year",
        direction=-1, rollup="none", time_rollup="latest", min_value=1)


@pytest.fixture
def plan(tree):
    return Plan.objects.create(kind=Plan.Kind.PLAN, number="37/KH-UBND", title="CĐS năm 2023",
                               issuer=tree["P1"], owner=tree["P1"], start_year=2023,
                               end_year=2025, status=Plan.Status.IN_FORCE)


def make_target(plan, metric, goals: dict, comparison="gte", **extra) -> Target:
    """goals: {year: value} or {(year, level): value}."""
    target = Target.objects.create(plan=plan, statement=extra.pop("statement", "Chỉ tiêu"),
                                   metric=metric, comparison=comparison, **extra)
    for key, value in goals.items():
        year, level = key if isinstance(key, tuple) else (key, None)
        TargetValue.objects.create(target=target, year=year, level=level, value=value)
    return target
