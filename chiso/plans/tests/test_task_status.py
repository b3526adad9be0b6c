"""A task's status comes from its dates, its cancellation and the lead unit's updates."""

import datetime as dt

import pytest
from django.utils import timezone

from chiso.plans.models import Task, TaskUpdate
from chiso.plans.status import TaskStatus as S
from chiso.plans.status import task_statuses


def at(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


@pytest.fixture
def make_task(plan, tree):
    def make(**fields):
        fields.setdefault("start_date", dt.date(2023, 3, 1))
        fields.setdefault("due_date", dt.date(2023, 6, 30))
        return Task.objects.create(plan=plan, description="Xây dựng kho dữ liệu",
                                   lead_unit=tree["A1"], **fields)
    return make


def progress(task, percent, day):
    TaskUpdate.objects.create(task=task, unit=task.lead_unit, kind="progress", percent=percent,
                              text=f"{percent} %", created_at=at(day))


def test_each_task_status(make_task):
    not_started = make_task()
    in_progress = make_task()
    progress(in_progress, 40, dt.date(2023, 5, 2))
    done = make_task(completed_at=dt.date(2023, 6, 20))
    late = make_task(completed_at=dt.date(2023, 7, 5))
    overdue = make_task(due_date=dt.date(2023, 5, 31))
    progress(overdue, 70, dt.date(2023, 5, 20))
    cancelled = make_task(cancelled=True, cancel_reason="Gộp vào nhiệm vụ 12")
    ongoing = make_task(due_date=None)  # "thường xuyên": never overdue
    progress(ongoing, 10, dt.date(2023, 4, 1))
    got = task_statuses(Task.objects.all(), dt.date(2023, 7, 10))
    assert {t: got[t.pk].status for t in [not_started, in_progress, done, late, overdue,
                                         cancelled, ongoing]} == {
        not_started: S.OVERDUE, in_progress: S.OVERDUE, done: S.DONE, late: S.DONE_LATE,
        overdue: S.OVERDUE, cancelled: S.CANCELLED, ongoing: S.IN_PROGRESS}
    assert got[late.pk].days_late == 5
    assert got[overdue.pk].days_late == 40 and got[overdue.pk].percent == 70
    early = task_statuses(Task.objects.all(), dt.date(2023, 6, 1))
    assert early[not_started.pk].status == S.NOT_STARTED
    assert early[in_progress.pk].status == S.IN_PROGRESS and early[in_progress.pk].percent == 40
    assert early[done.pk].status == S.NOT_STARTED  # completed later: not yet on 01/06


def test_updates_after_the_date_asked_and_notes_do_not_count(make_task, tree):
    task = make_task()
    TaskUpdate.objects.create(task=task, unit=tree["C1"], kind="note", text="Đã cung cấp dữ liệu",
                              created_at=at(dt.date(2023, 4, 1)))
    progress(task, 30, dt.date(2023, 6, 10))
    assert task_statuses([task], dt.date(2023, 5, 1))[task.pk].status == S.NOT_STARTED
    result = task_statuses([task], dt.date(2023, 6, 10))[task.pk]
    assert (result.status, result.percent) == (S.IN_PROGRESS, 30)


def test_the_latest_progress_wins_even_if_lower(make_task):
    task = make_task()
    progress(task, 60, dt.date(2023, 4, 1))
    progress(task, 0, dt.date(2023, 5, 1))  # corrected: nothing was actually done
    assert task_statuses([task], dt.date(2023, 5, 2))[task.pk].status == S.NOT_STARTED


def test_task_statuses_take_two_queries(make_task, django_assert_num_queries):
    for _ in range(20):
        progress(make_task(), 50, dt.date(2023, 4, 1))
    with django_assert_num_queries(2):
        got = task_statuses(Task.objects.all(), dt.date(2023, 5, 1))
    assert {r.status for r in got.values()} == {S.IN_PROGRESS}
