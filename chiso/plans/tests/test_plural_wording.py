"""Counts on the plan pages are plural forms of their own (a plan's targets are not the
metrics of the catalogue, whose "%(n)s chỉ tiêu" is another message). Checked with a few
entries added to the English catalogue, so the test does not depend on the .po file."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from chiso.lib.testing import english_with
from chiso.plans.models import Task

from .fixtures import make_target

ENTRIES = {
    ("%(n)s chỉ tiêu kế hoạch", 0): "%(n)s target",
    ("%(n)s chỉ tiêu kế hoạch", 1): "%(n)s targets",
    ("%(n)s nhiệm vụ", 0): "%(n)s task",
    ("%(n)s nhiệm vụ", 1): "%(n)s tasks",
    ("chậm %(d)s ngày", 0): "%(d)s day late",
    ("chậm %(d)s ngày", 1): "%(d)s days late",
}


@pytest.fixture
def english():
    with english_with(ENTRIES):
        yield


def test_the_plan_page_counts_targets_tasks_and_days_late_in_plural_forms(
        english, client, people, plan, rate, tree):
    make_target(plan, rate, {2025: 80}, statement="Tỷ lệ hồ sơ trực tuyến")
    today = timezone.localdate()
    for days, text in ((1, "Việc A"), (5, "Việc B")):
        Task.objects.create(plan=plan, description=text, lead_unit=tree["A1"],
                            due_date=today - dt.timedelta(days=days))
    client.force_login(people["admin"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("plan_detail", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "<h3>1 target</h3>" in text and "<h3>2 tasks</h3>" in text
    assert "1 day late" in text and "5 days late" in text
    task = Task.objects.get(description="Việc B")
    text = client.get(reverse("task_detail", args=[task.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "5 days late" in text.content.decode()
