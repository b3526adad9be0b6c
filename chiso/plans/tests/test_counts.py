"""Counts by status and the sentences the seeds write, computed from the data."""

import datetime as dt

from django.utils import timezone

from chiso.metrics.models import Period
from chiso.plans.counts import (
    Scope,
    count,
    cumulative_sentence,
    for_period,
    period_sentence,
    pillar_sentence,
    plan_sentence,
)
from chiso.plans.models import Task, TaskUpdate
from chiso.plans.status import TargetStatus, TaskStatus

from .fixtures import make_target, put


def make_tasks(plan, unit, completions):
    for i, done in enumerate(completions):
        Task.objects.create(plan=plan, description=f"Nhiệm vụ {i}", lead_unit=unit,
                            start_date=dt.date(2023, 1, 1), due_date=dt.date(2023, 12, 31),
                            completed_at=done)


def test_the_half_year_sentence_counts_targets_met_and_tasks_completed_in_it(tree, plan, rate):
    met = [make_target(plan, rate, {2023: 50 + i}, unit=tree["C1"]) for i in range(3)]
    make_target(plan, rate, {2023: 95}, unit=tree["C1"])  # not met by the 90 % below
    put(rate, tree["C1"], "2023S1", num=90, den=100)
    make_tasks(plan, tree["A1"], [dt.date(2022, 12, 1), dt.date(2023, 2, 1), dt.date(2023, 6, 30),
                                  dt.date(2023, 7, 1), None])
    h1 = Period.objects.for_code("2023S1")
    counts = for_period(Scope(plans=[plan]), h1)
    assert period_sentence(h1, counts) == "6 tháng đầu năm 2023 có 3 chỉ tiêu, 2 nhiệm vụ được hoàn thành"
    assert counts.targets_done == len(met)
    assert counts.tasks_done == 3  # including the one finished in 2022


def test_the_cumulative_sentence_counts_everything_met_by_the_end(tree, plan, rate):
    make_target(plan, rate, {2022: 60}, unit=tree["C1"])
    make_target(plan, rate, {2022: 70}, unit=tree["C1"])
    put(rate, tree["C1"], "2022S2", num=65, den=100)
    make_tasks(plan, tree["A1"], [dt.date(2022, 5, 1), dt.date(2022, 12, 31), dt.date(2023, 1, 2)])
    year = Period.objects.for_code("2022")
    counts = for_period(Scope(plans=[plan]), year)
    assert cumulative_sentence(year, counts) == \
        "Đến hết năm 2022 đã đạt và vượt kế hoạch 1 mục tiêu, 2 nhiệm vụ"
    assert counts.targets[TargetStatus.NOT_ACHIEVED] == 1


def test_plan_and_pillar_sentences(plan, rate):
    for pillar, n in [("Chính quyền số", 10), ("Kinh tế số", 5), ("Xã hội số", 5)]:
        for _ in range(n):
            make_target(plan, rate, {2025: 80}, pillar=pillar)
    Task.objects.create(plan=plan, description="Việc", lead_unit=plan.owner)
    assert plan_sentence(plan) == "Kế hoạch số 37/KH-UBND đề ra 20 chỉ tiêu, 1 nhiệm vụ"
    assert pillar_sentence(plan) == ("20 mục tiêu ở 3 trụ cột: chính quyền số (10 mục tiêu), "
                                     "kinh tế số (5 mục tiêu), xã hội số (5 mục tiêu)")


def test_counts_narrow_by_pillar_and_lead_unit(tree, plan, rate):
    a = make_target(plan, rate, {2023: 50}, pillar="Kinh tế số", lead_unit=tree["A1"])
    make_target(plan, rate, {2023: 50}, pillar="Xã hội số", lead_unit=tree["C1"])
    task = Task.objects.create(plan=plan, description="Sàn TMĐT", lead_unit=tree["A1"])
    task.targets.add(a)
    Task.objects.create(plan=plan, description="Tổ CNS", lead_unit=tree["C1"])
    TaskUpdate.objects.create(task=task, unit=tree["A1"], percent=30, text="Đã khảo sát",
                              created_at=timezone.make_aware(dt.datetime(2023, 9, 1)))
    as_of = dt.date(2024, 1, 5)
    by_pillar = count(Scope(plans=[plan], pillar="Kinh tế số"), as_of)
    assert (by_pillar.n_targets, by_pillar.n_tasks) == (1, 1)
    assert by_pillar.tasks[TaskStatus.IN_PROGRESS] == 1
    by_unit = count(Scope(unit=tree["C1"]), as_of)
    assert (by_unit.n_targets, by_unit.n_tasks) == (1, 1)
    under_province = count(Scope(unit=tree["P1"], include_below=True), as_of)
    assert (under_province.n_targets, under_province.n_tasks) == (2, 2)
    assert count(Scope(unit=tree["P2"], include_below=True), as_of).n_targets == 0
