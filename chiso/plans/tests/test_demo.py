"""The demo plans load twice to the same result, every status occurs, and Quảng Ninh's
first-half 2023 sentence is computed exactly as the seed writes it."""

from collections import Counter

import pytest

from chiso.metrics import demo as metrics_demo
from chiso.metrics.models import Period
from chiso.orgs import demo as orgs_demo
from chiso.plans import demo
from chiso.plans.counts import Scope, for_period, period_sentence, pillar_sentence
from chiso.plans.models import Plan, Target, Task
from chiso.plans.status import TargetStatus, TaskStatus, target_statuses, task_statuses


@pytest.fixture
def loaded(db):
    orgs_demo.load()
    metrics_demo.load()
    return demo.load()


def test_the_demo_is_idempotent_and_every_status_occurs(loaded):
    assert demo.load() == loaded
    targets = Counter(r.status for r in target_statuses(Target.objects.all()).values())
    tasks = Counter(r.status for r in task_statuses(Task.objects.all()).values())
    assert set(targets) == set(TargetStatus.ORDER), targets
    assert set(tasks) == set(TaskStatus.ORDER), tasks


def test_the_seed_sentences_are_computed(loaded):
    plan = Plan.objects.get(number="37/KH-UBND")
    half = Period.objects.for_code("2023S1")
    assert period_sentence(half, for_period(Scope(plans=[plan]), half)) == \
        "6 tháng đầu năm 2023 có 8 chỉ tiêu, 5 nhiệm vụ được hoàn thành"
    assert pillar_sentence(Plan.objects.get(number="09-NQ/TU")) == (
        "20 mục tiêu ở 3 trụ cột: chính quyền số (10 mục tiêu), kinh tế số (5 mục tiêu), "
        "xã hội số (5 mục tiêu)")


def test_the_cascade_runs_from_the_national_programme_to_an_agency_plan(loaded):
    agency_plan = Plan.objects.get(owner__code="QN-SYT")
    assert [p.number for p in agency_plan.ancestors()] == ["749/QĐ-TTg", "09-NQ/TU", "37/KH-UBND"]


def test_ninh_thuan_online_services_are_judged_per_level(loaded):
    target = Target.objects.get(plan__issuer__code="T58-den-2025", code="2")
    result = target_statuses(Target.objects.filter(pk=target.pk))[target.pk]
    by_level = {line.level_label: line.status for line in result.lines}
    assert by_level == {"Cấp tỉnh": TargetStatus.EXCEEDED, "Cấp huyện": TargetStatus.NOT_ACHIEVED,
                        "Cấp xã": TargetStatus.NO_DATA}
    assert result.status == TargetStatus.NOT_ACHIEVED


def test_a_provincial_target_is_broken_down_to_its_communes(loaded):
    teams = Target.objects.get(plan__number="09-NQ/TU", metric__code="XHS_TO_CONG_NGHE_SO")
    shares = teams.breakdowns.all()
    assert shares.count() == 54 and {b.value for b in shares} == {5}
    assert teams.values.get(year=2026).value == 5 * 54
