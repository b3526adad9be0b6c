"""In Chromium: the lead unit's reporter updates a task's progress with a PDF as evidence;
a coordinating unit adds its note; the plan and the target's chart show the result."""

import datetime as dt

import pytest

from chiso.conftest import browser_login, make_user
from chiso.orgs.models import Role
from chiso.plans.models import Task, TaskUpdate

from .fixtures import make_target, put

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "mat-khau-thu-nghiem"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def live_task(tree, people, plan, rate):
    target = make_target(plan, rate, {2024: 60, 2030: 90}, pillar="Chính quyền số",
                         lead_unit=tree["A1"], statement="Tỷ lệ hồ sơ xử lý trực tuyến đạt 90%")
    for i, code in enumerate(["2023S1", "2023S2", "2024S1", "2024S2"]):
        put(rate, tree["C1"], code, num=55 + 4 * i, den=100)
    task = Task.objects.create(plan=plan, code="1", description="Số hóa hồ sơ một cửa cấp xã",
                               lead_unit=tree["C1"], deliverable="Kho hồ sơ số",
                               start_date=dt.date(2023, 3, 1), due_date=dt.date(2030, 12, 31))
    task.coordinating_units.add(tree["A1"])
    task.targets.add(target)
    make_user("reporter_a1", Role.REPORTER, tree["A1"])
    return task, target


def test_lead_unit_updates_progress_with_evidence_and_a_partner_adds_a_note(
        browser, live_server, screenshot, live_task, tmp_path):
    task, target = live_task
    evidence = tmp_path / "bien-ban-nghiem-thu.pdf"
    evidence.write_bytes(PDF)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page.set_default_timeout(15000)
    browser_login(page, live_server, "reporter_c1", PASSWORD)
    page.goto(f"{live_server.url}/ke-hoach/")
    page.click("#plan-cascade a:has-text('37/KH-UBND')")
    page.wait_for_load_state("networkidle")
    page.click(f"#task-{task.pk} a")
    page.wait_for_load_state("networkidle")
    assert page.locator("#note-form").count() == 0
    page.fill("#progress-form input[name=tien_do]", "60")
    page.fill("#progress-form textarea[name=noi_dung]", "Đã số hóa 6.000 hồ sơ của 3 xã.")
    page.click("#progress-form summary")
    page.set_input_files("#p-tep", str(evidence))
    page.fill("#progress-form input[name=tieu_de]", "Biên bản nghiệm thu đợt 1")
    screenshot(page, "plans-task-progress-form")
    page.click("#progress-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Đã cập nhật tiến độ 60 %" in page.locator(".messages").inner_text()
    assert page.locator("#task-percent").inner_text() == "60 %"
    assert "Biên bản nghiệm thu đợt 1" in page.locator("#task-updates").inner_text()
    screenshot(page, "plans-task-progress-saved")
    update = TaskUpdate.objects.get(task=task)
    assert update.percent == 60 and update.evidence.get().original_name == "bien-ban-nghiem-thu.pdf"

    # The coordinating agency: a note, not progress.
    page.context.clear_cookies()
    browser_login(page, live_server, "reporter_a1", PASSWORD)
    page.goto(f"{live_server.url}/ke-hoach/nhiem-vu/{task.pk}/")
    assert page.locator("#progress-form").count() == 0
    page.fill("#note-form textarea[name=noi_dung]", "Sở đã cấp 3 tài khoản hệ thống một cửa.")
    page.click("#note-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "phối hợp" in page.locator("#task-updates").inner_text()
    assert page.locator("#task-percent").inner_text() == "60 %"
    screenshot(page, "plans-task-note")

    # The secretariat's view of the plan and of the target with its forecast.
    page.context.clear_cookies()
    browser_login(page, live_server, "admin_p1", PASSWORD)
    page.goto(f"{live_server.url}/ke-hoach/{task.plan_id}/")
    assert "đề ra 1 chỉ tiêu, 1 nhiệm vụ" in page.locator("#plan-sentence").inner_text()
    screenshot(page, "plans-plan-detail")
    page.goto(f"{live_server.url}/ke-hoach/chi-tieu/{target.pk}/")
    page.wait_for_selector("#target-chart svg")
    assert "Theil–Sen" in page.locator("#target-lines").inner_text()
    screenshot(page, "plans-target-chart")
