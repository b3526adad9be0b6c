"""In Chromium: the secretariat creates a plan, pastes its targets (first with a mistake,
shown by row and column), then its tasks, and the lead unit finds its task in its list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chiso.conftest import browser_login
from chiso.metrics.models import Metric

from ..models import Plan

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "mat-khau-thu-nghiem"


def tsv(*rows) -> str:
    return "\n".join("\t".join(r) for r in rows)


def test_secretariat_enters_a_plan_from_pasted_tables(browser, live_server, screenshot, people,
                                                      tree):
    Metric.objects.create(code="DVC_TT", name="Tỷ lệ hồ sơ trực tuyến",
                          value_type=Metric.ValueType.PERCENTAGE)
    year = timezone.localdate().year
    soon = timezone.localdate() + dt.timedelta(days=5)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page.set_default_timeout(15000)
    browser_login(page, live_server, "admin_p1", PASSWORD)

    page.goto(f"{live_server.url}/ke-hoach/tao-moi/")
    page.fill("#id_number", "59/KH-UBND")
    page.fill("#id_title", f"Kế hoạch chuyển đổi số năm {year}")
    page.select_option("#id_issuer", str(tree["P1"].pk))
    page.select_option("#id_owner", str(tree["P1"].pk))
    page.fill("#id_signed_on", f"15/01/{year}")
    page.fill("#id_start_year", str(year))
    page.fill("#id_end_year", str(year))
    page.select_option("#id_status", "in_force")
    screenshot(page, "plans-intake-create")
    page.click("#plan-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    plan = Plan.objects.get(number="59/KH-UBND")
    assert page.url.endswith(f"/ke-hoach/{plan.pk}/dan-bang/")

    targets = [["STT", "Nội dung chỉ tiêu", "Đơn vị chủ trì", "So sánh", f"Năm {year}",
                "Mã chỉ tiêu đo"],
               ["I. CHÍNH QUYỀN SỐ"],
               ["1", "Tỷ lệ hồ sơ xử lý trực tuyến toàn trình", "Sở Y tế", "≥", "55%", "DVC_TT"],
               ["2", "Tỷ lệ dân số có điện thoại thông minh", "Sở Tài chính", "≥", "85", ""]]
    page.check("input[name=loai][value=chi_tieu]")
    page.fill("#id_bang", tsv(*targets))
    page.click("#btn-preview")
    page.wait_for_load_state("networkidle")
    errors = page.locator("#paste-errors").inner_text()
    assert "Dòng 4, cột “Đơn vị chủ trì”: không tìm thấy đơn vị “Sở Tài chính”" in errors
    assert page.locator("#btn-confirm").count() == 0
    screenshot(page, "plans-intake-paste-error")

    targets[3][2] = "Xã Một"
    page.fill("#id_bang", tsv(*targets))
    page.click("#btn-preview")
    page.wait_for_load_state("networkidle")
    assert page.locator("#paste-errors").count() == 0
    preview = page.locator("table.preview-targets").inner_text()
    assert "Chính quyền số" in preview and "55" in preview
    screenshot(page, "plans-intake-paste-preview")
    page.click("#btn-confirm")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/ke-hoach/{plan.pk}/")
    assert "Đã ghi vào kế hoạch: 2 chỉ tiêu." in page.locator(".messages").inner_text()

    page.click(".plan-actions a.button")  # from the plan's page, back to entering
    page.wait_for_load_state("networkidle")
    page.check("input[name=loai][value=nhiem_vu]")
    page.fill("#id_bang", tsv(
        ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Hạn hoàn thành",
         "Chỉ tiêu phục vụ"],
        ["1. Nhóm giải pháp về hạ tầng số"],
        ["1.1", "Số hóa hồ sơ một cửa cấp xã", "Xã Một", "Sở Y tế", soon.strftime("%d/%m/%Y"), "1"],
        ["1.2", "Phổ cập điện thoại thông minh", "Phường Hai", "Xã Một; Sở Y tế",
         f"Quý IV/{year}", "2"]))
    page.click("#btn-preview")
    page.wait_for_load_state("networkidle")
    assert "Sẽ tạo nhóm giải pháp mới: 1. Nhóm giải pháp về hạ tầng số" in page.content()
    screenshot(page, "plans-intake-paste-tasks-preview")
    page.click("#btn-confirm")
    page.wait_for_load_state("networkidle")
    assert "2 nhiệm vụ, 1 nhóm giải pháp mới" in page.locator(".messages").inner_text()
    screenshot(page, "plans-intake-plan-after-paste")
    assert plan.tasks.count() == 2 and plan.targets.count() == 2

    # The commune's reporter finds its task in its list.
    page.context.clear_cookies()
    browser_login(page, live_server, "reporter_c1", PASSWORD)
    page.goto(f"{live_server.url}/ke-hoach/viec-can-lam/")
    text = page.locator("main").inner_text()
    assert "Số hóa hồ sơ một cửa cấp xã" in text and "Còn 5 ngày" in text
    assert "Phổ cập điện thoại thông minh" not in text  # Phường Hai's task
    screenshot(page, "plans-intake-reporter-inbox")

    # The secretariat sees who has not written anything yet.
    page.context.clear_cookies()
    browser_login(page, live_server, "admin_p1", PASSWORD)
    page.goto(f"{live_server.url}/ke-hoach/chua-cap-nhat/")
    rows = page.locator("#silent-units tbody tr").all_inner_texts()
    screenshot(page, "plans-intake-silent")
    assert [r.split("\t")[0] for r in rows] == ["Xã Một", "Phường Hai"]
    assert all("Chưa cập nhật lần nào" in r for r in rows)
    screenshot(page, "plans-intake-silent")
    page.close()
