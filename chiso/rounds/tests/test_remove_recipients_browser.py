"""In Chromium: the secretariat opens a round's recipients, sees which units can be taken
off and why not the others, removes one with a reason after confirming, then adds it back."""

import datetime as dt

import pytest
from django.utils import timezone

from chiso.conftest import browser_login
from chiso.metrics import services
from chiso.metrics.models import Period
from chiso.orgs.models import OrgUnit
from chiso.rounds import workflow
from chiso.rounds.models import ReportingRound, RoundItem, RoundSection, RoundTarget

from .test_browser import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def every_unit_round(people, metrics, tree):
    """This month's round to every commune, ward and agency of P1: C1 has sent its form,
    C2 has entered one value, A1 nothing yet."""
    today = timezone.localdate()
    rnd = ReportingRound.objects.create(
        name="Báo cáo CĐS tháng này", owner=tree["P1"],
        period=Period.objects.for_code(f"{today.year}-{today.month:02d}"),
        opens_on=today - dt.timedelta(days=1), deadline=today + dt.timedelta(days=7))
    RoundTarget.objects.create(round=rnd, unit=tree["P1"], kinds=[
        OrgUnit.Kind.COMMUNE, OrgUnit.Kind.WARD, OrgUnit.Kind.DEPARTMENT])
    section = RoundSection.objects.create(round=rnd, order=1, title="Dịch vụ công")
    RoundItem.objects.create(round=rnd, section=section, metric=metrics["services"], order=1)
    workflow.sync_submissions(rnd)
    services.save_value(metrics["services"], tree["C1"], rnd.period, {"value": 12},
                        user=people["reporter"])
    workflow.submit(rnd.submissions.get(unit=tree["C1"]), people["reporter"])
    services.save_value(metrics["services"], tree["C2"], rnd.period, {"value": 7}, user=None)
    return rnd


def test_the_secretariat_removes_a_ward_and_adds_it_back(browser, live_server, screenshot,
                                                         every_unit_round, tree):
    rnd = every_unit_round
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page.set_default_timeout(15000)
    browser_login(page, live_server, "admin_p1", PASSWORD)
    page.goto(f"{live_server.url}/ky-bao-cao/{rnd.pk}/")
    page.click("#round-recipients")
    page.wait_for_load_state("networkidle")
    assert "Không thể bỏ “Xã Một”" in page.locator("#recipient-C1").inner_text()
    assert page.locator("#recipient-C1 .remove-one").count() == 0
    screenshot(page, "rounds-recipients")

    page.click("#recipient-C2 .remove-one")
    page.wait_for_load_state("networkidle")
    assert "Bỏ 1 đơn vị khỏi kỳ báo cáo" in page.locator("h1").inner_text()
    page.fill("#id_reason", "Phường Hai đã sáp nhập vào Xã Một theo Nghị quyết 1680/NQ-UBTVQH15")
    screenshot(page, "rounds-recipients-confirm")
    page.click("#confirm-remove")
    page.wait_for_load_state("networkidle")
    assert "Đã bỏ 1 đơn vị khỏi kỳ báo cáo: Phường Hai" in page.locator(".messages").inner_text()
    assert page.locator("#recipient-C2").count() == 0
    assert "Nghị quyết 1680" in page.locator("#exclusions").inner_text()
    screenshot(page, "rounds-recipients-removed")
    assert not rnd.submissions.filter(unit=tree["C2"]).exists()

    page.click("#exclusions button.restore")
    page.wait_for_load_state("networkidle")
    assert "Đã thêm lại Phường Hai" in page.locator(".messages").inner_text()
    assert page.locator("#recipient-C2").count() == 1
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: rows become cards
    screenshot(page, "rounds-recipients-phone")
    back = rnd.submissions.get(unit=tree["C2"])
    assert workflow.values_of(back).get().value == 7
    page.close()
