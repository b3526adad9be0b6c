"""In Chromium: a reporter uploads a file, ticks “Chạy nền”, lands on the job page with its
progress bar, and watches it turn into the result without reloading (htmx polling); the
job is then listed on the upload page."""

from __future__ import annotations

import pytest

from chiso.conftest import browser_login
from chiso.metrics.models import DataValue, ImportJob

from .intake_helpers import csv_file

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "mat-khau-thu-nghiem"


def test_a_reporter_watches_a_background_import_finish(browser, live_server, screenshot, settings,
                                                       tmp_path, metrics, people):
    settings.TASKS = {"default": {"BACKEND": "chiso.lib.tasks.ThreadBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [["C1", "HS_TT", f"{year}-{month:02d}", str(year - 1990 + month)]
            for year in range(1995, 2025) for month in range(1, 13)]
    path = tmp_path / "hs-truc-tuyen.csv"
    path.write_bytes(csv_file(rows).getvalue())

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page.set_default_timeout(15000)
    browser_login(page, live_server, "reporter_c1", PASSWORD)
    page.goto(f"{live_server.url}/don-vi/C1/so-lieu/tai-len/")
    page.set_input_files("#id_tep", str(path))
    page.check("#id_nen")
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/nhap-tep/viec/*/", timeout=60000)  # both cores may be busy
    screenshot(page, "metrics-import-job-started")
    assert page.locator("#import-job-bar").count() or page.locator("#intake-result").count()

    # No reload: htmx replaces the status every second until the result is in.
    page.wait_for_selector("#intake-result", timeout=60000)
    job = ImportJob.objects.values("state", "phase", "result").get()
    assert "360 số liệu mới" in page.locator("#intake-result").inner_text(), job
    assert page.locator("#import-job-bar").count() == 0
    screenshot(page, "metrics-import-job-done")
    assert ImportJob.objects.get().state == ImportJob.State.DONE
    assert DataValue.objects.filter(unit__code="C1", metric__code="HS_TT").count() == 360

    page.click("text=Tải lên tệp khác")
    assert "hs-truc-tuyen.csv" in page.locator("#import-jobs").inner_text()
    screenshot(page, "metrics-import-jobs-list")
    page.close()


def test_the_progress_bar_follows_the_jobs_row_until_it_ends(browser, live_server, screenshot,
                                                             tree, people):
    job = ImportJob.objects.create(
        user=people["reporter"], unit=tree["C1"], file_name="ca-tinh.xlsx", size=4_200_000,
        state=ImportJob.State.RUNNING, phase="check", done=12_000, total=100_000)
    page = browser.new_page(viewport={"width": 1280, "height": 700}, locale="vi-VN")
    page.set_default_timeout(15000)
    browser_login(page, live_server, "reporter_c1", PASSWORD)
    page.goto(f"{live_server.url}/don-vi/C1/so-lieu/nhap-tep/viec/{job.pk}/")
    assert page.locator("#import-job-phase").inner_text() == "Đang kiểm tra 12.000/100.000 dòng"
    assert page.locator("#import-job-percent").inner_text() == "18 %"
    screenshot(page, "metrics-import-job-progress")

    ImportJob.objects.filter(pk=job.pk).update(phase="write", done=0)
    page.wait_for_function(
        "document.querySelector('#import-job-phase')?.innerText === 'Đang ghi vào cơ sở dữ liệu'")
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.FAILED, result={
            "ok": False, "rows": 100_000, "error_count": 1, "errors": [{
                "message": "không có chỉ tiêu mã “XYZ”.", "row": 7, "column": "metric",
                "sheet": "Số liệu"}]})
    page.wait_for_selector("#intake-result")
    assert ("Trang tính “Số liệu”, dòng 7, cột “Mã chỉ tiêu”: Không có chỉ tiêu mã “XYZ”."
            in page.locator("#intake-errors").inner_text())
    screenshot(page, "metrics-import-job-failed")
    page.close()
