"""In Chromium: a commune reporter self-assesses (the points change as figures are typed,
an evidence file is uploaded) and sends; the appraiser of NT lowers one score with a
reason and sees the final points."""

from __future__ import annotations

import pytest

from chiso.assessments.models import ComponentEntry
from chiso.conftest import browser_login

from .test_entry_support import *  # noqa: F403  (the fixtures)
from .test_entry_support import PASSWORD, PDF

pytestmark = pytest.mark.django_db(transaction=True)


def test_reporter_self_assesses_and_appraiser_adjusts(browser, live_server, screenshot, live,
                                                      nodes, appraiser):
    n11, n12, n21, n31 = (nodes[c] for c in ("1.1", "1.2", "2.1", "3.1"))
    n12.evidence_required = "Biên bản, thông báo kết luận các cuộc họp"
    n12.save()
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page.set_default_timeout(15000)
    browser_login(page, live_server, "reporter_c1", PASSWORD)
    page.goto(f"{live_server.url}/danh-gia/{live.pk}/tu-danh-gia/C1/")
    assert "Tự đánh giá: Xã Một" in page.locator("h1").inner_text()

    # The points follow the typing: a/b × 10 with a = 3, then b = 4.
    page.locator(f"#d-{n11.pk}-a").press_sequentially("3")
    page.locator(f"#d-{n11.pk}-b").press_sequentially("4")
    page.wait_for_function(
        f"document.querySelector('#sp-{n11.pk}') && "
        f"document.querySelector('#sp-{n11.pk}').textContent.trim() === '7,50'")
    assert "3/4 × 10 = 7,50 điểm" in page.locator(f"#pts-{n11.pk}").inner_text()
    page.wait_for_function("document.querySelector('#total-points').textContent.trim() === '7,50'")

    page.locator(f"#d-{n12.pk}-value").press_sequentially("4")
    page.wait_for_selector(f"#pts-{n12.pk} .st-saved")
    page.select_option(f"#d-{n21.pk}-value", "chu_tich")
    page.wait_for_selector(f"#pts-{n21.pk} .st-saved")
    assert "“Chủ tịch” → 1 × 50" in page.locator(f"#pts-{n21.pk}").inner_text()
    page.select_option(f"#d-{n31.pk}-value", "1")
    page.wait_for_function(
        "document.querySelector('#total-points').textContent.trim() === '97,50'")
    assert page.locator("#total-value").inner_text() == "0,9750"

    # Evidence for the component that requires it.
    page.set_input_files(f"#file-{n12.pk}", files=[{
        "name": "bien-ban-hop-BCD.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.click(f"#ev-{n12.pk} form.ev-upload button")
    page.wait_for_selector(f"#ev-{n12.pk} a:has-text('bien-ban-hop-BCD.pdf')")
    with page.expect_response(lambda r: f"/tp/{n11.pk}/" in r.url):
        page.fill(f"#ex-{n11.pk}", "Năm nay Ban Chỉ đạo họp 4 lần, Chủ tịch chủ trì 3 lần.")
    page.reload()
    screenshot(page, "assessments-self-assessment-reporter")
    page.click("#btn-submit")
    page.wait_for_load_state("networkidle")
    assert page.locator("#sub-state").inner_text() == "Đã gửi, chờ thẩm định"
    page.close()

    # The appraiser of NT sees 1.1 and 1.2 only, and lowers 1.1 with a reason.
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page.set_default_timeout(15000)
    browser_login(page, live_server, "reviewer_p1", PASSWORD)
    page.goto(f"{live_server.url}/danh-gia/{live.pk}/tham-dinh/")
    page.click("#queue a")
    page.wait_for_load_state("networkidle")
    body = page.locator("main").inner_text()
    assert "Số lần Ban Chỉ đạo họp" in body and "Trưởng Ban Chỉ đạo" not in body
    assert "Chủ tịch chủ trì 3 lần" in body  # the unit's giải trình
    page.fill(f"#pt-{n11.pk}", "5")
    page.click(f"#save-{n11.pk}")
    page.wait_for_selector(f"#apc-{n11.pk} .st-error")
    assert "cần ghi lý do" in page.locator(f"#apc-{n11.pk}").inner_text()
    page.fill(f"#pt-{n11.pk}", "5")
    page.fill(f"#rs-{n11.pk}", "Chỉ 2 cuộc họp có thông báo kết luận do Chủ tịch ký.")
    page.click(f"#save-{n11.pk}")
    page.wait_for_selector(f"#apc-{n11.pk} .st-saved")
    assert page.locator(f"#fin-{n11.pk}").inner_text() == "5,00"
    page.click(f"#confirm-{n12.pk}")
    page.wait_for_selector(f"#apc-{n12.pk} .st-saved")
    screenshot(page, "assessments-appraisal-reviewer")
    page.close()

    e = ComponentEntry.objects.get(assessment=live, unit__code="C1", node=n11)
    assert (e.self_points, e.appraised_points, e.final_points) == (7.5, 5.0, 5.0)
    assert ComponentEntry.objects.get(assessment=live, unit__code="C1",
                                      node=n12).appraised_points == 10


def test_a_form_open_when_the_deadline_passes_says_it_is_locked(browser, live_server, live,
                                                                 nodes):
    import datetime as dt

    from django.utils import timezone

    n = nodes["1.2"]
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page.set_default_timeout(15000)
    browser_login(page, live_server, "reporter_c1", PASSWORD)
    page.goto(f"{live_server.url}/danh-gia/{live.pk}/tu-danh-gia/C1/")
    rnd = live.round  # the deadline passes while the page is open
    rnd.opens_on = timezone.localdate() - dt.timedelta(days=30)
    rnd.deadline = timezone.localdate() - dt.timedelta(days=1)
    rnd.save()
    page.locator(f"#d-{n.pk}-value").press_sequentially("4")
    page.wait_for_selector(f"#pts-{n.pk} .st-error")
    assert "đã khóa" in page.locator(f"#pts-{n.pk}").inner_text()
    assert ComponentEntry.objects.get(assessment=live, unit__code="C1", node=n).declared == {}
    page.close()
