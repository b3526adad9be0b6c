"""Copying a plan to next year: values moved on, dates shifted, links kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from chiso.orgs.models import Level

from ..copy import copy_plan, shift_date
from ..models import Plan, SolutionGroup, Target, TargetBreakdown, TargetValue, Task, TaskUpdate

D = dt.date


@pytest.fixture
def yearly(tree):
    """Ninh Thuận-like yearly plan with per-level targets, a group, tasks and links."""
    parent = Plan.objects.create(number="09-NQ/TU", title="Nghị quyết CĐS 2021–2025",
                                 kind=Plan.Kind.RESOLUTION, issuer=tree["P1"], owner=tree["P1"],
                                 start_year=2021, end_year=2025)
    plan = Plan.objects.create(number="59/KH-UBND", title="Kế hoạch chuyển đổi số năm 2024",
                               issuer=tree["P1"], owner=tree["P1"], start_year=2024,
                               end_year=2024, status=Plan.Status.IN_FORCE, parent=parent,
                               report_frequency="half")
    group = SolutionGroup.objects.create(plan=plan, code="1", title="Hạ tầng số", order=1)
    online = Target.objects.create(plan=plan, code="1", statement="Hồ sơ trực tuyến",
                                   solution_group=group, lead_unit=tree["A1"],
                                   baseline_value=30, baseline_year=2023)
    for level, value in ((None, 50), (Level.PROVINCIAL, 55), (Level.COMMUNE, 20)):
        TargetValue.objects.create(target=online, year=2024, level=level, value=value)
    TargetBreakdown.objects.create(target=online, unit=tree["C1"], year=2024, value=25)
    task = Task.objects.create(plan=plan, code="1.1", description="Trung tâm dữ liệu",
                               solution_group=group, lead_unit=tree["A1"],
                               start_date=D(2024, 2, 29), due_date=D(2024, 12, 31),
                               completed_at=D(2024, 12, 1), is_key=True)
    task.coordinating_units.set([tree["C1"], tree["C2"]])
    task.targets.set([online])
    TaskUpdate.objects.create(task=task, unit=tree["A1"], percent=100, text="Xong")
    Task.objects.create(plan=plan, code="1.2", description="Việc đã hủy", lead_unit=tree["C1"],
                        cancelled=True, cancel_reason="Không còn phù hợp")
    return plan


def test_the_copy_is_a_draft_of_next_year_linked_to_its_source(yearly, people):
    new = copy_plan(yearly, user=people["admin"])
    assert (new.start_year, new.end_year, new.status, new.number) == (2025, 2025, "draft", "")
    assert new.title == "Kế hoạch chuyển đổi số năm 2025"
    assert new.copied_from == yearly and new.parent == yearly.parent
    assert new.report_frequency == "half" and new.created_by == people["admin"]


def test_targets_carry_last_years_values_marked_for_review(yearly):
    new = copy_plan(yearly)
    target = new.targets.get()
    assert target.lead_unit.code == "A1" and target.baseline_value == 30
    assert target.solution_group.plan == new and target.solution_group.title == "Hạ tầng số"
    values = sorted(((v.year, v.level, v.value, v.note) for v in target.values.all()),
                    key=lambda r: (r[0], -1 if r[1] is None else r[1]))
    assert [(y, lv, v) for y, lv, v, _n in values] == [
        (2025, None, Decimal("50")), (2025, Level.PROVINCIAL, Decimal("55")),
        (2025, Level.COMMUNE, Decimal("20"))]
    assert all("Sao chép từ năm 2024" in n for *_x, n in values)
    [share] = target.breakdowns.all()
    assert (share.unit.code, share.year, share.value) == ("C1", 2025, Decimal("25"))


def test_a_roadmap_keeps_its_own_values_for_the_years_it_set(tree):
    plan = Plan.objects.create(title="Lộ trình 2022–2025", issuer=tree["P1"], owner=tree["P1"],
                               start_year=2022, end_year=2025)
    target = Target.objects.create(plan=plan, statement="Tỷ lệ")
    for year, value in ((2022, 40), (2023, 50), (2024, 60), (2025, 70)):
        TargetValue.objects.create(target=target, year=year, value=value)
    new = copy_plan(plan)
    assert new.title == "Lộ trình 2023–2026"
    values = {v.year: (v.value, v.note) for v in new.targets.get().values.all()}
    assert {y: v for y, (v, _n) in values.items()} == {2023: 50, 2024: 60, 2025: 70, 2026: 70}
    assert values[2024][1] == "" and "Sao chép từ năm 2025" in values[2026][1]


def test_tasks_are_shifted_a_year_with_their_links_and_no_progress(yearly, tree):
    new = copy_plan(yearly)
    [task] = new.tasks.all()  # the cancelled task is left behind
    assert (task.start_date, task.due_date) == (D(2025, 2, 28), D(2025, 12, 31))
    assert task.completed_at is None and not task.updates.exists() and task.is_key
    assert set(task.coordinating_units.values_list("code", flat=True)) == {"C1", "C2"}
    assert list(task.targets.all()) == [new.targets.get()]
    assert task.solution_group == new.solution_groups.get()


def test_the_original_is_untouched(yearly):
    before = (yearly.targets.count(), yearly.tasks.count(),
              TargetValue.objects.filter(target__plan=yearly).count())
    copy_plan(yearly)
    copy_plan(yearly)  # twice: two drafts, no clash (no number yet)
    assert (yearly.targets.count(), yearly.tasks.count(),
            TargetValue.objects.filter(target__plan=yearly).count()) == before
    assert Plan.objects.filter(copied_from=yearly).count() == 2


def test_shift_date_handles_29_february():
    assert shift_date(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert shift_date(D(2024, 2, 29), 4) == D(2028, 2, 29)
    assert shift_date(None, 1) is None


def test_the_copy_page_makes_the_copy_for_the_secretariat(client, yearly, people):
    client.force_login(people["admin"])
    url = reverse("plans_copy", args=[yearly.pk])
    assert "1 nhiệm vụ" in client.get(url).content.decode()
    response = client.post(url)
    new = Plan.objects.get(copied_from=yearly)
    assert response.status_code == 302 and response.url == reverse("plan_detail", args=[new.pk])
    client.force_login(people["leader"])
    assert client.post(url).status_code == 403
    assert Plan.objects.filter(copied_from=yearly).count() == 1
