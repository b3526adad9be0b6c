"""In Chromium: a reporter fills the form (Vietnamese numbers, a percentage, yes/no, a
dropped connection) and submits it; a reviewer returns it with a reason."""

import datetime as dt

import pytest
from django.utils import timezone

from chiso.conftest import browser_login
from chiso.metrics.models import DataValue, Period
from chiso.rounds import workflow
from chiso.rounds.models import ReportingRound, RoundItem, RoundSection, RoundTarget

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture
def live_round(people, metrics, tree):
    today = timezone.localdate()
    rnd = ReportingRound.objects.create(
        name="Báo cáo CĐS tháng này", owner=tree["P1"], period=Period.objects.for_code(
            f"{today.year}-{today.month:02d}"),
        opens_on=today - dt.timedelta(days=1), deadline=today + dt.timedelta(days=7))
    RoundTarget.objects.create(round=rnd, unit=tree["C1"])
    s1 = RoundSection.objects.create(round=rnd, order=1, title="Dịch vụ công")
    s2 = RoundSection.objects.create(round=rnd, order=2, title="Hạ tầng")
    RoundItem.objects.create(round=rnd, section=s1, metric=metrics["services"], order=1)
    RoundItem.objects.create(round=rnd, section=s1, metric=metrics["online"], order=2)
    RoundItem.objects.create(round=rnd, section=s2, metric=metrics["portal"], order=1)
    workflow.sync_submissions(rnd)
    return rnd


def saved(page, metric_code_item):
    page.wait_for_selector(f"#st-{metric_code_item} .st-saved")


def test_reporter_submits_and_reviewer_returns(browser, live_server, screenshot, live_round,
                                               metrics):
    items = {i.metric.code: i.pk for i in RoundItem.objects.filter(round=live_round)
             .select_related("metric")}
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page.set_default_timeout(15000)
    browser_login(page, live_server, "reporter_c1", PASSWORD)
    page.goto(f"{live_server.url}/hop-thu/")
    assert "Cần nộp" in page.locator("#inbox").inner_text()
    screenshot(page, "rounds-inbox-reporter")
    page.click("#inbox a")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith("Báo cáo CĐS tháng này")

    # Vietnamese number, then Enter moves on to the numerator of the percentage.
    page.fill(f"#v-{items['DVC']}", "1.234")
    page.keyboard.press("Enter")
    saved(page, items["DVC"])
    assert page.evaluate("document.activeElement.id") == f"num-{items['HS_TT']}"
    page.keyboard.type("45")
    page.keyboard.press("Enter")
    page.keyboard.type("50")
    assert page.locator(f"#rate-{items['HS_TT']}").inner_text() == "90\u00a0%"  # live
    page.keyboard.press("Enter")
    saved(page, items["HS_TT"])

    # The connection drops while choosing "Có": the row is kept and sent again.
    page.context.set_offline(True)
    page.select_option(f"#v-{items['CONG_TT']}", "1")
    page.wait_for_selector(f"#row-{items['CONG_TT']}.unsaved")
    assert page.evaluate("Object.keys(localStorage).length") == 1
    assert not page.locator("#offline-note").is_hidden()
    screenshot(page, "rounds-entry-offline")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    saved(page, items["CONG_TT"])
    page.wait_for_function("Object.keys(localStorage).length === 0")
    assert "unsaved" not in page.get_attribute(f"#row-{items['CONG_TT']}", "class")
    assert DataValue.objects.get(metric=metrics["portal"]).value == 1
    assert DataValue.objects.get(metric=metrics["services"]).value == 1234
    page.wait_for_selector("#missing .st-saved")  # the list of what is missing refreshed
    screenshot(page, "rounds-entry-filled")

    page.click("#btn-submit")
    page.wait_for_load_state("networkidle")
    assert page.locator("#sub-state").inner_text() == "Đã gửi, chờ thẩm định"
    screenshot(page, "rounds-entry-submitted")
    page.close()

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page.set_default_timeout(15000)
    browser_login(page, live_server, "reviewer_p1", PASSWORD)
    page.goto(f"{live_server.url}/hop-thu/")
    assert "Chờ bạn thẩm định" in page.locator("#inbox").inner_text()
    screenshot(page, "rounds-inbox-reviewer")
    page.click("#inbox a")
    page.wait_for_load_state("networkidle")
    page.fill("#review-reason", "Tỷ lệ hồ sơ trực tuyến chưa khớp với hệ thống một cửa.")
    page.click("#btn-return")
    page.wait_for_load_state("networkidle")
    assert page.locator("#sub-state").inner_text() == "Bị trả lại"
    screenshot(page, "rounds-entry-returned-reviewer")
    page.close()

    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page.set_default_timeout(15000)
    browser_login(page, live_server, "reporter_c1", PASSWORD)
    page.goto(f"{live_server.url}/hop-thu/")
    assert "Bị trả lại" in page.locator("#inbox").inner_text()
    page.click("#inbox a")
    page.wait_for_load_state("networkidle")
    assert "chưa khớp với hệ thống một cửa" in page.locator(".alert").first.inner_text()
    screenshot(page, "rounds-entry-returned-reporter-phone")
    page.close()
