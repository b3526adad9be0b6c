"""The demo rounds as people see them: the secretariat's completeness and reminders, the
demo reporter's inbox, the reviewer's queue."""

import pytest
from django.core.management import call_command

from chiso.conftest import browser_login
from chiso.orgs.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_rounds_for_each_role(browser, live_server, screenshot, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("demo", stdout=open("/dev/null", "w"))
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page.set_default_timeout(20000)

    browser_login(page, live_server, "thuongtruc.qn", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/hop-thu/")
    assert "Tình hình nộp báo cáo" in page.locator("main").inner_text()
    screenshot(page, "rounds-demo-inbox-secretariat")
    page.click("nav.mainnav >> text=Kỳ báo cáo")
    page.wait_for_load_state("networkidle")
    # The rounds demo's older round, past its deadline (other apps add rounds of their own).
    page.click("#round-table a:has-text('cấp xã') >> nth=1")
    page.wait_for_load_state("networkidle")
    assert int(page.locator("#k-late").inner_text()) > 0
    page.click("#btn-remind")
    page.wait_for_load_state("networkidle")
    assert "Đã gửi nhắc nhở" in page.locator(".messages").inner_text()
    screenshot(page, "rounds-demo-round-detail")
    page.goto(f"{live_server.url}/ky-bao-cao/tao-moi/")
    screenshot(page, "rounds-demo-create")
    page.close()

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    browser_login(page, live_server, "baocao.baichay", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/hop-thu/")
    text = page.locator("#inbox").inner_text()
    assert "Bị trả lại" in text and "Cần nộp" in text
    screenshot(page, "rounds-demo-inbox-reporter")
    page.click("#inbox tr[data-kind=due] a")
    page.wait_for_load_state("networkidle")
    tthc = page.locator("tr[data-item]").first.get_attribute("data-item")
    # A rate far below the ward's own history: warned, kept only with an explanation.
    page.fill(f"#num-{tthc}", "10")
    page.fill(f"#den-{tthc}", "5.000")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#st-{tthc} .st-warn")
    assert "thấp bất thường" in page.locator(f"#st-{tthc}").inner_text()
    screenshot(page, "rounds-demo-entry-outlier")
    page.fill(f"#ex-{tthc}", "Hệ thống một cửa gián đoạn 6 tuần trong quý (minh họa)")
    page.click(f"#st-{tthc} button")
    page.wait_for_selector(f"#st-{tthc} .st-saved")
    # Evidence: a PDF file for the value that requires it.
    page.set_input_files(f"#file-{tthc}", files=[{
        "name": "bao-cao-mot-cua.pdf", "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4\n%minh hoa\n"}])
    page.click(f"#ev-{tthc} form button")
    page.wait_for_selector(f"#ev-{tthc} a:has-text('bao-cao-mot-cua.pdf')")
    screenshot(page, "rounds-demo-entry-baichay")
    page.close()

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    browser_login(page, live_server, "thamdinh.qn", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/hop-thu/")
    assert page.locator("#inbox tr[data-kind=review]").count() >= 5
    screenshot(page, "rounds-demo-inbox-reviewer")
    page.close()
