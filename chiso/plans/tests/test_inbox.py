"""Each unit's to-do list, who is silent, and who may open which intake page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from chiso.conftest import make_user
from chiso.metrics.models import DataValue, Period, State
from chiso.orgs.models import Role

from .. import inbox
from ..models import Plan, TargetBreakdown, Task, TaskUpdate
from .intake_fixtures import at

D = dt.date


def kinds(items) -> list[tuple[str, bool]]:
    return [(i.kind, i.overdue) for i in items]


def test_a_task_enters_the_inbox_when_its_due_date_is_near(intake_plan, tree, settings):
    settings.CHISO_PLANS_DUE_SOON_DAYS = 14
    assert inbox.items_for_unit(tree["C1"], D(2026, 3, 5)) == []  # 15 days before
    [item] = inbox.items_for_unit(tree["C1"], D(2026, 3, 6))
    assert (item.kind, item.task, item.due, item.days_left) == ("task", intake_plan.task,
                                                                D(2026, 3, 20), 14)
    [item] = inbox.items_for_unit(tree["C1"], D(2026, 3, 25))
    assert item.overdue and item.days_late == 5


def test_units_see_only_what_they_lead(intake_plan, tree):
    today = D(2026, 4, 2)
    assert kinds(inbox.items_for_unit(tree["C1"], today)) == [("task", True)]
    assert kinds(inbox.items_for_unit(tree["A1"], today)) == [("report", False)]
    assert inbox.items_for_unit(tree["C2"], today) == []
    assert inbox.items_for_unit(tree["P1"], today) == []


def test_a_target_report_is_owed_for_the_last_ended_period_until_sent(intake_plan, tree,
                                                                       intake_metric):
    [item] = inbox.items_for_unit(tree["A1"], D(2026, 4, 2))
    assert item.period.code == "2026Q1" and item.measured_unit == tree["P1"]
    assert item.due == D(2026, 4, 10) and item.period_label == "Quý I/2026"
    assert inbox.items_for_unit(tree["A1"], D(2026, 4, 11))[0].overdue
    value = DataValue.objects.create(metric=intake_metric, unit=tree["P1"],
                                     period=Period.objects.for_code("2026Q1"), value=40,
                                     state=State.DRAFT)
    assert len(inbox.items_for_unit(tree["A1"], D(2026, 4, 2))) == 1  # a draft is not sent
    value.state = State.SUBMITTED
    value.save()
    assert inbox.items_for_unit(tree["A1"], D(2026, 4, 2)) == []


def test_a_yearly_metric_is_owed_once_a_year(intake_plan, intake_metric, tree):
    intake_metric.frequency = "year"
    intake_metric.save()
    assert inbox.items_for_unit(tree["A1"], D(2026, 7, 2)) == []  # 2025 is outside the plan
    intake_plan.end_year = 2027
    intake_plan.save()
    [item] = inbox.items_for_unit(tree["A1"], D(2027, 1, 5))
    assert item.period.code == "2026"


def test_a_share_of_a_target_is_owed_by_its_unit(intake_plan, tree):
    TargetBreakdown.objects.create(target=intake_plan.target, unit=tree["C2"], year=2026,
                                   value=30)
    [item] = inbox.items_for_unit(tree["C2"], D(2026, 4, 2))
    assert item.kind == "report" and item.measured_unit == tree["C2"]


def test_finished_cancelled_and_draft_work_is_not_owed(intake_plan, tree):
    task = intake_plan.task
    task.cancelled, task.cancel_reason = True, "Gộp vào nhiệm vụ khác"
    task.save()
    assert inbox.items_for_unit(tree["C1"], D(2026, 3, 25)) == []
    task.cancelled, task.cancel_reason, task.completed_at = False, "", D(2026, 3, 18)
    task.save()
    assert inbox.items_for_unit(tree["C1"], D(2026, 3, 25)) == []
    task.completed_at = None
    task.save()
    Plan.objects.filter(pk=intake_plan.pk).update(status=Plan.Status.DRAFT)
    assert inbox.items_for_unit(tree["C1"], D(2026, 3, 25)) == []


def test_items_are_sorted_overdue_first(intake_plan, tree):
    Task.objects.create(plan=intake_plan, code="2", description="Việc sắp đến hạn",
                        lead_unit=tree["C1"], due_date=D(2026, 4, 10))
    Task.objects.create(plan=intake_plan, code="3", description="Việc quá hạn lâu",
                        lead_unit=tree["C1"], due_date=D(2026, 2, 1))
    codes = [i.task.code for i in inbox.items_for_unit(tree["C1"], D(2026, 4, 2))]
    assert codes == ["3", "1", "2"]


def test_silent_units_longest_silence_first(intake_plan, tree, staff):
    Task.objects.create(plan=intake_plan, code="2", description="Việc của phường",
                        lead_unit=tree["C2"], due_date=D(2026, 4, 30))
    TaskUpdate.objects.create(task=intake_plan.task, unit=tree["C1"], percent=30, text="Đã làm",
                              created_at=at(D(2026, 3, 1)))
    rows = inbox.silent_units(tree["P1"], D(2026, 4, 20))
    assert [(r.unit.code, r.days_silent, r.overdue_items) for r in rows] == [
        ("A1", None, 1), ("C2", None, 0), ("C1", 50, 1)]
    assert inbox.silent_units(tree["P2"], D(2026, 4, 20)) == []


# --- pages and permissions --------------------------------------------------------------
@pytest.fixture
def live_plan(intake_plan):
    """The fixture plan moved to today's dates, so pages (which use the real clock) show it."""
    today = timezone.localdate()
    Plan.objects.filter(pk=intake_plan.pk).update(start_year=today.year - 1, end_year=today.year)
    Task.objects.filter(pk=intake_plan.task.pk).update(start_date=today - dt.timedelta(days=60),
                                                       due_date=today - dt.timedelta(days=4))
    intake_plan.refresh_from_db()
    return intake_plan


def test_my_inbox_lists_the_users_own_unit_only(client, live_plan, staff):
    client.force_login(staff["reporter"])
    page = client.get(reverse("plans_inbox")).content.decode()
    assert "Số hóa hồ sơ một cửa" in page and "Quá hạn 4 ngày" in page
    assert "Tỷ lệ hồ sơ trực tuyến đạt 55%" not in page  # agency A1's target
    client.force_login(staff["reporter_a1"])
    page = client.get(reverse("plans_inbox")).content.decode()
    assert "Số hóa hồ sơ một cửa" not in page


def test_the_inbox_needs_a_login(client, live_plan):
    assert client.get(reverse("plans_inbox")).status_code == 302
    assert client.get(reverse("plans_unit_inbox", args=["C1"])).status_code == 302
    assert client.get(reverse("plans_silent")).status_code == 302


@pytest.mark.parametrize("role, status", [("reporter", 200), ("head", 200), ("admin", 200),
                                          ("leader", 200), ("reviewer", 200)])
def test_a_units_inbox_is_open_to_its_people_and_the_province(client, live_plan, staff, role,
                                                              status):
    client.force_login(staff[role])
    response = client.get(reverse("plans_unit_inbox", args=["C1"]))
    assert response.status_code == status
    assert "Số hóa hồ sơ một cửa" in response.content.decode()


@pytest.mark.parametrize("role", ["reporter", "head"])
def test_units_do_not_see_other_units_inboxes(client, live_plan, staff, role):
    client.force_login(staff[role])
    assert client.get(reverse("plans_unit_inbox", args=["A1"])).status_code == 403
    assert client.get(reverse("plans_unit_inbox", args=["C2"])).status_code == 403


@pytest.mark.parametrize("role, status", [("admin", 200), ("leader", 200), ("reviewer", 200),
                                          ("head", 403), ("reporter", 403)])
def test_who_is_silent_is_for_the_secretariat_and_leaders(client, live_plan, staff, role, status):
    client.force_login(staff[role])
    response = client.get(reverse("plans_silent"))
    assert response.status_code == status
    if status == 200:
        assert "Xã Một" in response.content.decode()
        assert "Chưa cập nhật lần nào" in response.content.decode()


def test_who_is_silent_elsewhere_is_refused(client, live_plan, staff):
    client.force_login(staff["admin"])
    assert client.get(reverse("plans_silent") + "?don_vi=P2").status_code == 403
    assert client.get(reverse("plans_silent") + "?don_vi=C1").status_code == 200


@pytest.fixture
def outsider(tree):
    """The secretariat of another province."""
    return make_user("admin_p2", Role.ADMIN, tree["P2"])


def intake_urls(plan) -> list[str]:
    return [reverse(name, args=[plan.pk]) for name in
            ("plans_paste", "plans_template", "plans_copy")]


def test_only_the_plans_secretariat_opens_the_intake_pages(client, live_plan, staff, outsider):
    client.force_login(staff["admin"])
    for url in intake_urls(live_plan):
        assert client.get(url).status_code == 200, url
    for user in [staff[r] for r in ("leader", "reviewer", "head", "reporter", "reporter_a1")] + [
            outsider]:
        client.force_login(user)
        for url in intake_urls(live_plan):
            assert client.get(url).status_code == 403, (user.username, url)
        for url in intake_urls(live_plan) + [reverse("plans_upload", args=[live_plan.pk])]:
            assert client.post(url, {"action": "ghi", "tasks_text": "x"}).status_code == 403, url
    assert Plan.objects.count() == 1  # no copy was made by anyone refused


@pytest.mark.parametrize("role", ["leader", "reviewer", "head", "reporter"])
def test_only_the_secretariat_creates_plans(client, staff, role):
    client.force_login(staff[role])
    assert client.get(reverse("plans_create")).status_code == 403
    assert client.post(reverse("plans_create"), {"title": "X"}).status_code == 403


def test_the_secretariat_creates_a_plan_for_its_own_units_only(client, staff, tree):
    client.force_login(staff["admin"])
    form = {"kind": "plan", "number": "12/KH-UBND", "title": "Chuyển đổi số năm 2027",
            "issuer": tree["P1"].pk, "owner": tree["P1"].pk, "signed_on": "15/01/2027",
            "start_year": 2027, "end_year": 2027, "status": "in_force",
            "report_frequency": "quarter"}
    response = client.post(reverse("plans_create"), form)
    plan = Plan.objects.get(number="12/KH-UBND")
    assert response.status_code == 302 and response.url == reverse("plans_paste", args=[plan.pk])
    assert plan.signed_on == D(2027, 1, 15) and plan.created_by == staff["admin"]
    response = client.post(reverse("plans_create"), {**form, "number": "13/KH-UBND",
                                                     "owner": tree["P2"].pk})
    assert response.status_code == 200 and not Plan.objects.filter(number="13/KH-UBND").exists()
    response = client.post(reverse("plans_create"), form)  # the same number again
    assert "đã có văn bản số 12/KH-UBND" in response.content.decode()


def test_a_task_entered_after_a_period_owes_no_update_for_it(intake_plan, tree):
    task = intake_plan.task
    task.due_date = D(2026, 12, 31)
    task.created_at = at(D(2026, 4, 5))
    task.save()
    assert inbox.items_for_unit(tree["C1"], D(2026, 4, 20)) == []  # 2026Q1 ended before
    [item] = inbox.items_for_unit(tree["C1"], D(2026, 7, 20))
    assert (item.kind, item.period.code, item.overdue) == ("update", "2026Q2", True)


def test_a_unit_with_open_work_but_nothing_owed_yet_is_still_listed(intake_plan, tree):
    Task.objects.create(plan=intake_plan, code="5", description="Việc dài hạn",
                        lead_unit=tree["C2"], due_date=D(2026, 12, 31),
                        created_at=at(D(2026, 5, 1)))
    rows = {r.unit.code: r for r in inbox.silent_units(tree["P1"], D(2026, 5, 10))}
    assert (rows["C2"].open_tasks, rows["C2"].open_items, rows["C2"].days_silent) == (1, 0, None)
