"""A person's view: log in as the demo leader in Chromium and see the home page."""

import pytest
from django.core.management import call_command

from chiso.conftest import browser_login
from chiso.orgs.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_leader_logs_in_and_sees_home(browser, live_server, screenshot):
    call_command("demo", stdout=open("/dev/null", "w"))
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page.set_default_timeout(15000)
    browser_login(page, live_server, "lanhdao.qn", DEMO_PASSWORD)
    page.click("nav.mainnav >> text=Trang chủ")  # a leader lands on the dashboard
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith("Xin chào")
    assert page.locator("html").get_attribute("lang") == "vi"
    nav = page.locator("nav.mainnav").inner_text()
    assert "Trang chủ" in nav and "Đơn vị" in nav
    assert "Tỉnh Quảng Ninh" in page.locator("main").inner_text()
    # htmx came from npm and is served by us, not a CDN.
    assert page.evaluate("typeof window.htmx") == "object"
    screenshot(page, "home-leader")

    page.click("text=Đơn vị")
    page.wait_for_load_state("networkidle")
    assert "Phường Bãi Cháy" in page.locator("#unit-table").inner_text()
    screenshot(page, "units-leader")
    page.close()


def test_reporter_on_a_phone_sees_only_their_unit(browser, live_server, screenshot):
    call_command("demo", stdout=open("/dev/null", "w"))
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page.set_default_timeout(15000)
    browser_login(page, live_server, "baocao.baichay", DEMO_PASSWORD)
    assert "Phường Bãi Cháy" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/don-vi/")
    table = page.locator("#unit-table").inner_text()
    assert "Phường Bãi Cháy" in table and "Đặc khu Cô Tô" not in table
    screenshot(page, "units-reporter-phone")
    page.close()
