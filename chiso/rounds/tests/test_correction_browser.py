"""In Chromium: a reviewer opens a sent form, corrects one value with a reason, and sees
the new value and its history."""

import pytest

from chiso.conftest import browser_login
from chiso.metrics import services
from chiso.rounds import workflow
from chiso.rounds.models import RoundItem

from .test_browser import PASSWORD, live_round  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reviewer_corrects_a_sent_value(browser, live_server, screenshot, live_round,  # noqa: F811
                                          metrics, people):
    sub = live_round.submissions.get()
    unit, period = sub.unit, live_round.period
    services.save_value(metrics["services"], unit, period, {"value": 1234}, user=people["reporter"])
    services.save_value(metrics["online"], unit, period, {"numerator": 45, "denominator": 50},
                        user=people["reporter"])
    services.save_value(metrics["portal"], unit, period, {"value": "1"}, user=people["reporter"])
    workflow.submit(sub, people["reporter"])
    item = RoundItem.objects.get(round=live_round, metric=metrics["services"])

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page.set_default_timeout(15000)
    browser_login(page, live_server, "reviewer_p1", PASSWORD)
    page.goto(f"{live_server.url}/ky-bao-cao/{live_round.pk}/don-vi/{unit.code}/")
    page.click(f"#row-{item.pk} a.correct")
    page.wait_for_load_state("networkidle")
    assert page.locator("#current").inner_text() == "1.234"
    page.fill("#value", "1.240")
    page.fill("#reason", "Đối chiếu sổ theo dõi của Bộ phận một cửa")
    screenshot(page, "rounds-correct-value")
    page.click("#correct-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Đã hiệu chỉnh" in page.locator(".messages").inner_text()
    assert "1.240" in page.locator(f"#row-{item.pk}").inner_text()
    screenshot(page, "rounds-correct-value-done")
    page.close()
