"""The data model keeps what a plan says consistent: spans, per-level values, tasks."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from chiso.metrics.models import Metric
from chiso.orgs.models import Level
from chiso.plans.models import Plan, ReminderLog, Target, TargetValue, Task, TaskUpdate


@pytest.fixture
def plan(tree):
    return Plan.objects.create(kind=Plan.Kind.PLAN, number="59/KH-UBND", title="Kế hoạch CĐS",
                               issuer=tree["P1"], owner=tree["P1"], start_year=2023,
                               end_year=2023, status=Plan.Status.IN_FORCE)


def test_plan_chain_lists_the_plans_it_implements_highest_first(tree, plan):
    national = Plan.objects.create(kind=Plan.Kind.PROGRAMME, number="749/QĐ-TTg", title="CT",
                                   issuer=tree["VN"], owner=tree["VN"], start_year=2020,
                                   end_year=2030)
    resolution = Plan.objects.create(kind=Plan.Kind.RESOLUTION, number="09-NQ/TU", title="NQ",
                                     issuer=tree["P1"], owner=tree["P1"], start_year=2022,
                                     end_year=2025, parent=national)
    plan.parent = resolution
    plan.save()
    assert [p.number for p in plan.ancestors()] == ["749/QĐ-TTg", "09-NQ/TU"]


def test_a_target_has_one_value_per_year_and_level(tree, plan):
    metric = Metric.objects.create(code="M", name="Hồ sơ trực tuyến", value_type="percentage")
    target = Target.objects.create(plan=plan, statement="55 % cấp tỉnh", metric=metric)
    TargetValue.objects.create(target=target, year=2023, level=Level.PROVINCIAL, value=55)
    TargetValue.objects.create(target=target, year=2023, level=Level.COMMUNE, value=20)
    TargetValue.objects.create(target=target, year=2023, value=Decimal("45"))
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetValue.objects.create(target=target, year=2023, level=Level.COMMUNE, value=25)
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetValue.objects.create(target=target, year=2023, value=50)


def test_a_cancelled_task_needs_a_reason_and_progress_needs_a_percent(tree, plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(plan=plan, description="Việc", lead_unit=tree["A1"], cancelled=True)
    task = Task.objects.create(plan=plan, description="Việc", lead_unit=tree["A1"])
    task.coordinating_units.add(tree["C1"])
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskUpdate.objects.create(task=task, unit=tree["A1"], kind="progress", text="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskUpdate.objects.create(task=task, unit=tree["A1"], kind="progress", percent=120,
                                  text="x")
    TaskUpdate.objects.create(task=task, unit=tree["C1"], kind="note", text="Đã phối hợp")
    assert task.updates.count() == 1


def test_the_same_reminder_key_is_refused(tree, plan):
    task = Task.objects.create(plan=plan, description="Việc", lead_unit=tree["A1"])
    key = ReminderLog.make_key("before_due", task, "a@b.vn", "2023-06-30")
    ReminderLog.objects.create(kind="before_due", obj=task, unit=tree["A1"], key=key)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderLog.objects.create(kind="before_due", obj=task, unit=tree["A1"], key=key)


def test_the_tolerance_help_says_within_what_range_a_value_counts_as_achieved():
    from chiso.plans.status import meets

    text = str(Target._meta.get_field("tolerance").help_text)
    assert "“bằng”" in text and "từ 98 đến 102 là đạt" in text and '"' not in text
    assert meets(Target.Comparison.EQUAL, 98, 100, 2) and meets(Target.Comparison.EQUAL, 102, 100, 2)
    assert not meets(Target.Comparison.EQUAL, 97.9, 100, 2)
    assert '"' not in str(Target._meta.get_field("metric").help_text)
