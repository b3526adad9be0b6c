"""The demo's results in a browser: the leader's ranking of Quảng Ninh's agencies and
communes (filter by group, sort by a pillar, download), a score card with its charts,
the explanation of a component, the gap to the top 25 turned into a task, the national
2022 table with Quảng Ninh third and the post-merger grouping."""

import pytest
from django.core.management import call_command

from chiso.assessments.models import Assessment, ImprovementLink
from chiso.conftest import browser_login
from chiso.orgs.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_leader_reads_ranking_score_card_explanation_and_gap(browser, live_server, screenshot):
    call_command("demo", stdout=open("/dev/null", "w"))
    last = Assessment.objects.get(owner__code="T22", year=2025)
    national = Assessment.objects.get(year=2022)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page.set_default_timeout(20000)
    browser_login(page, live_server, "lanhdao.qn", DEMO_PASSWORD)

    page.click("nav.mainnav >> text=Đánh giá DTI")
    page.wait_for_load_state("networkidle")
    page.click(f"#assessment-table a[href='/danh-gia/{last.pk}/xep-hang/']")
    page.wait_for_load_state("networkidle")
    rows = page.locator("#ranking-table tbody tr")
    assert rows.count() >= 60
    assert page.locator("#ranking-table tbody tr >> nth=0 >> td.rank").inner_text() == "1"
    screenshot(page, "assessments-ranking")

    page.select_option("#group-filter", "xa")
    page.click("text=Lọc")
    page.wait_for_load_state("networkidle")
    assert "Hạng trong nhóm" in page.locator("#ranking-table thead").inner_text()
    assert "Sở " not in page.locator("#ranking-table tbody").inner_text()
    # Sorting by a pillar in the browser: values then run downwards.
    page.click("#ranking-table th a:has-text('Kinh tế số')")
    values = page.locator("#ranking-table tbody tr td:nth-child(5)").all_inner_texts()
    numbers = [float(v.replace(",", ".")) for v in values if v != "–"]
    assert numbers == sorted(numbers, reverse=True)
    with page.expect_download() as download:
        page.click("#download-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")
    screenshot(page, "assessments-ranking-communes")

    page.click("#ranking-table tbody tr >> nth=0 >> a")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#radar canvas")
    page.wait_for_selector("#bars canvas")
    assert "Điểm mạnh" in page.locator("#strengths-weaknesses").inner_text()
    assert page.locator("#component-table tbody tr").count() > 20
    screenshot(page, "assessments-scorecard")

    page.click("#component-table a >> nth=0")
    page.wait_for_load_state("networkidle")
    assert "điểm" in page.locator("#rule-text").inner_text()
    screenshot(page, "assessments-explain-component")
    page.go_back()
    page.click("#gap-link")
    page.wait_for_load_state("networkidle")
    screenshot(page, "assessments-gap")
    page.close()

    # The secretariat turns a weak component into a task for the responsible agency.
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    browser_login(page, live_server, "thuongtruc.qn", DEMO_PASSWORD)
    weakest = last.results.filter(node__code="DTI", group="xa").order_by("-rank").first()
    page.goto(f"{live_server.url}/danh-gia/{last.pk}/don-vi/{weakest.unit.code}/khoang-cach/?top=25")
    page.click("#gap-table form.make-task button >> nth=0")
    page.wait_for_load_state("networkidle")
    assert "Đã ghi nhận đề xuất nhiệm vụ" in page.locator(".messages").inner_text()
    assert ImprovementLink.objects.filter(unit=weakest.unit).count() == 1
    screenshot(page, "assessments-gap-task")

    page.goto(f"{live_server.url}/danh-gia/{national.pk}/xep-hang/")
    assert "Quảng Ninh" in page.locator("#ranking-table tbody tr >> nth=2").inner_text()
    screenshot(page, "assessments-national-2022")
    page.goto(f"{live_server.url}/danh-gia/{national.pk}/xep-hang/?sau-sap-xep=1")
    assert page.locator("#ranking-table tbody tr").count() == 34
    page.close()
