"""Reminders and escalation driven by a fake clock: each step at its day, to the right
people, never twice."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chiso.conftest import make_user
from chiso.metrics.models import DataValue, Period, State
from chiso.orgs.models import OrgUnit, Role

from .. import reminders
from ..models import ReminderLog, Task, TaskUpdate
from .intake_fixtures import at

D = dt.date


def run(day: dt.date, hour: int = 7) -> int:
    return reminders.run(now=at(day, hour), stdout=io.StringIO())


def to(mailoutbox, address: str) -> list:
    return [m for m in mailoutbox if address in m.to]


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.CHISO_PLANS_REMIND_BEFORE_DAYS = (7, 1)
    settings.CHISO_PLANS_ESCALATE_HEAD_DAYS = 3
    settings.CHISO_PLANS_ESCALATE_SECRETARIAT_DAYS = 10
    settings.CHISO_PLANS_DIGEST_WEEKDAY = 0


@pytest.fixture(autouse=True)
def _no_digest(staff):
    """The leader reads the weekly digest only in the tests about it (`with_leader`), so
    that the other tests count reminders alone."""
    staff["leader"].email = ""
    staff["leader"].save()


@pytest.fixture
def with_leader(staff):
    staff["leader"].email = "leader_p1@example.vn"
    staff["leader"].save()


def test_nothing_is_sent_before_the_first_threshold(intake_plan, mailoutbox):
    assert run(D(2026, 3, 10)) == 0  # the task is due in 10 days; no quarter has ended
    assert mailoutbox == []


def test_it_reminds_the_lead_units_reporter_at_each_threshold_once(intake_plan, staff, mailoutbox):
    assert run(D(2026, 3, 13)) == 1  # 7 days before 20/03
    [mail] = mailoutbox
    assert mail.to == ["reporter_c1@example.vn"]
    assert "1 việc cần làm" in mail.subject
    assert "Số hóa hồ sơ một cửa" in mail.body and "còn 7 ngày" in mail.body
    assert "hạn hoàn thành 20/03/2026" in mail.body
    assert run(D(2026, 3, 13), hour=15) == 0  # the same day again: nothing
    assert run(D(2026, 3, 15)) == 0  # between thresholds
    assert run(D(2026, 3, 19)) == 1  # 1 day before
    assert "còn 1 ngày" in mailoutbox[-1].body
    assert ReminderLog.objects.filter(kind=ReminderLog.Kind.BEFORE_DUE).count() == 2


def test_a_task_first_seen_near_its_due_date_gets_one_reminder(intake_plan, mailoutbox):
    assert run(D(2026, 3, 19)) == 1
    assert run(D(2026, 3, 19), hour=18) == 0
    assert ReminderLog.objects.get().occasion == "2026-03-20/1"


def test_overdue_task_goes_to_the_head_then_to_the_secretariat(intake_plan, staff, mailoutbox):
    run(D(2026, 3, 19))
    mailoutbox.clear()
    assert run(D(2026, 3, 21)) == 0  # one day late: not yet escalated
    run(D(2026, 3, 23))  # three days late
    head = to(mailoutbox, "head_c1@example.vn")
    assert len(head) == 1 and "quá hạn 3 ngày" in head[0].body
    assert "quá hạn" in head[0].subject
    assert to(mailoutbox, "admin_p1@example.vn") == []
    assert to(mailoutbox, "reporter_c1@example.vn") == []  # reporters are reminded, not escalated to
    run(D(2026, 3, 25))
    assert len(to(mailoutbox, "head_c1@example.vn")) == 1  # not again
    run(D(2026, 3, 30))  # ten days late
    sec = to(mailoutbox, "admin_p1@example.vn")
    assert len(sec) == 1
    assert "• Xã Một — [Hạn hoàn thành nhiệm vụ] 1. Số hóa hồ sơ một cửa" in sec[0].body and "quá hạn 10 ngày" in sec[0].body
    assert len(to(mailoutbox, "head_c1@example.vn")) == 1
    run(D(2026, 4, 2))
    assert len(to(mailoutbox, "admin_p1@example.vn")) == 1
    # Nobody outside the commune and the province's secretariat hears of the commune's task.
    for address in ("reviewer_p1@example.vn", "head_a1@example.vn"):
        assert not any("Số hóa hồ sơ" in m.body for m in to(mailoutbox, address))


def test_a_completed_task_is_not_escalated(intake_plan, mailoutbox):
    intake_plan.task.completed_at = D(2026, 3, 18)
    intake_plan.task.save()
    run(D(2026, 3, 30))
    assert not any("Số hóa hồ sơ" in m.body for m in mailoutbox)


def test_a_new_due_date_is_a_new_occasion(intake_plan, mailoutbox):
    run(D(2026, 3, 13))
    intake_plan.task.due_date = D(2026, 4, 20)
    intake_plan.task.save()
    assert run(D(2026, 4, 13)) >= 1
    assert any("20/04/2026" in m.body for m in to(mailoutbox, "reporter_c1@example.vn"))


def test_it_reminds_at_the_end_of_a_reporting_period_when_the_figure_is_missing(
        intake_plan, staff, mailoutbox):
    intake_plan.task.completed_at = D(2026, 3, 18)
    intake_plan.task.save()
    run(D(2026, 4, 1))
    [mail] = to(mailoutbox, "reporter_a1@example.vn")
    assert "Quý I/2026" in mail.body and "Tỉnh Một" in mail.body and "hạn báo cáo 10/04/2026" in mail.body
    assert ReminderLog.objects.get(kind=ReminderLog.Kind.PERIOD).occasion == "2026Q1"
    run(D(2026, 4, 5))
    assert len(to(mailoutbox, "reporter_a1@example.vn")) == 1
    run(D(2026, 4, 13))  # three days after the report was owed
    assert len(to(mailoutbox, "head_a1@example.vn")) == 1


def test_a_submitted_figure_means_no_period_reminder(intake_plan, intake_metric, tree, mailoutbox):
    DataValue.objects.create(metric=intake_metric, unit=tree["P1"], period=Period.objects.for_code("2026Q1"),
                             numerator=40, denominator=100, value=40, state=State.SUBMITTED)
    run(D(2026, 4, 1))
    assert to(mailoutbox, "reporter_a1@example.vn") == []


def test_a_task_without_progress_this_period_asks_for_an_update(intake_plan, staff, mailoutbox):
    task = intake_plan.task
    task.due_date = D(2026, 12, 31)
    task.save()
    TaskUpdate.objects.create(task=task, unit=task.lead_unit, percent=20, text="Đã khảo sát",
                              created_at=at(D(2026, 2, 10)))
    run(D(2026, 4, 2))  # 2026Q1 ended; the February update counts for it
    assert to(mailoutbox, "reporter_c1@example.vn") == []
    run(D(2026, 7, 2))  # 2026Q2 ended with no update since 01/04
    [mail] = to(mailoutbox, "reporter_c1@example.vn")
    assert "chưa cập nhật tiến độ Quý II/2026" in mail.body


def test_leaders_get_one_digest_a_week(intake_plan, staff, with_leader, mailoutbox):
    run(D(2026, 3, 23))  # a Monday; the task is three days late
    [digest] = to(mailoutbox, "leader_p1@example.vn")
    assert "Bản tin kế hoạch tuần 2026-W13" in digest.subject
    assert "1 việc đã quá hạn" in digest.body
    assert "Xã Một: 1 việc, lâu nhất quá hạn 3 ngày" in digest.body
    assert "chỉ tiêu có nguy cơ không đạt" in digest.body
    run(D(2026, 3, 24))
    assert len(to(mailoutbox, "leader_p1@example.vn")) == 1
    run(D(2026, 3, 30))
    assert len(to(mailoutbox, "leader_p1@example.vn")) == 2
    # Only leaders: the reviewer and the secretariat get no digest.
    assert not any("Bản tin" in m.subject for m in to(mailoutbox, "reviewer_p1@example.vn"))


def test_a_missed_monday_still_gives_that_weeks_digest(intake_plan, staff, with_leader, mailoutbox):
    run(D(2026, 3, 25))  # Wednesday: the job did not run on Monday
    assert len(to(mailoutbox, "leader_p1@example.vn")) == 1


def test_drafts_and_users_without_e_mail_get_nothing(intake_plan, staff, mailoutbox):
    staff["reporter"].email = ""
    staff["reporter"].save()
    assert run(D(2026, 3, 13)) == 0
    intake_plan.status = intake_plan.Status.DRAFT
    intake_plan.save()
    assert run(D(2026, 3, 30)) == 0


def test_run_reports_what_it_sent(intake_plan):
    out = io.StringIO()
    assert reminders.run(now=at(D(2026, 3, 13)), stdout=out) == 1
    assert "đã gửi 1 thư" in out.getvalue() and "nhắc việc 1" in out.getvalue()



def _communes_with_tasks(plan, parent, codes) -> None:
    for code in codes:
        unit = OrgUnit.objects.create(code=code, name=f"Xã {code}", kind=OrgUnit.Kind.COMMUNE,
                                      parent=parent)
        make_user(f"rep_{code}", Role.REPORTER, unit, email=f"rep_{code}@example.vn")
        make_user(f"head_{code}", Role.HEAD, unit, email=f"head_{code}@example.vn")
        Task.objects.create(plan=plan, code=code, description=f"Việc của {code}",
                            lead_unit=unit, due_date=D(2026, 3, 1))


def _queries_of_a_quiet_rerun(day: dt.date) -> int:
    run(day)
    with CaptureQueriesContext(connection) as ctx:
        assert run(day) == 0
    return len(ctx.captured_queries)


def test_a_rerun_asks_the_same_few_queries_whatever_the_number_of_units(intake_plan, tree):
    _communes_with_tasks(intake_plan, tree["P1"], [f"X{i}" for i in range(3)])
    few = _queries_of_a_quiet_rerun(D(2026, 3, 30))
    _communes_with_tasks(intake_plan, tree["P1"], [f"Y{i}" for i in range(30)])
    many = _queries_of_a_quiet_rerun(D(2026, 3, 31))
    assert many == few


def test_a_mail_server_failure_is_retried_on_the_next_run(intake_plan, staff, mailoutbox,
                                                          monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise ConnectionRefusedError("máy chủ thư không trả lời")

    with monkeypatch.context() as m:
        m.setattr(EmailBackend, "send_messages", refuse)
        out = io.StringIO()
        assert reminders.run(now=at(D(2026, 3, 13)), stdout=out) == 0
        assert "1 thư chưa gửi được" in out.getvalue()
    assert not ReminderLog.objects.exists()
    assert run(D(2026, 3, 13), hour=9) == 1
    assert mailoutbox[0].to == ["reporter_c1@example.vn"]


def test_chiso_remind_runs_the_plans_reminders(intake_plan, staff, mailoutbox):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("remind", now="2026-03-13T07:00", dry_run=True, stdout=out)
    assert "Kế hoạch: đã gửi 1 thư" in out.getvalue()
    assert mailoutbox == [] and not ReminderLog.objects.exists()  # a dry run keeps nothing
    call_command("remind", now="2026-03-13T07:00", stdout=io.StringIO())
    assert [m.to for m in mailoutbox] == [["reporter_c1@example.vn"]]
    call_command("remind", now="2026-03-13T08:00", stdout=io.StringIO())
    assert len(mailoutbox) == 1
