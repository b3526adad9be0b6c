""""Kỳ báo cáo" means two things: a reporting round (rounds) and a metric's reporting
frequency (metrics). Message contexts let the English translation tell them apart; days
left and days late are plural forms. Checked with a few entries added to the English
catalogue, so the test does not depend on the lead's .po file."""

import datetime as dt

import pytest

from chiso.lib.testing import english_with
from chiso.metrics.models import Metric
from chiso.rounds.models import ReportingRound
from chiso.rounds.reminders import _message

ENTRIES = {
    "reporting round\x04Kỳ báo cáo": "Reporting rounds",
    "reporting round\x04kỳ báo cáo": "reporting round",
    "reporting frequency\x04kỳ báo cáo": "reporting frequency",
    "reporting frequency\x04Kỳ báo cáo": "Frequency",
    ("còn %(n)d ngày (hạn %(d)s)", 0): "%(n)d day left (due %(d)s)",
    ("còn %(n)d ngày (hạn %(d)s)", 1): "%(n)d days left (due %(d)s)",
    ("đã quá hạn %(n)d ngày (hạn %(d)s)", 0): "%(n)d day late (due %(d)s)",
    ("đã quá hạn %(n)d ngày (hạn %(d)s)", 1): "%(n)d days late (due %(d)s)",
}


@pytest.fixture
def english():
    with english_with(ENTRIES):
        yield


def test_a_round_and_a_frequency_are_translated_apart(english):
    assert str(ReportingRound._meta.verbose_name) == "reporting round"
    assert str(Metric._meta.get_field("frequency").verbose_name) == "reporting frequency"


def test_the_pages_use_the_context_of_what_they_show(english, client, people, metrics):
    client.force_login(people["admin"])
    client.cookies["django_language"] = "en"
    rounds_page = client.get("/ky-bao-cao/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Reporting rounds" in rounds_page and "Frequency" not in rounds_page
    metric = metrics["services"]
    catalogue = client.get(f"/chi-tieu/{metric.code}/", HTTP_ACCEPT_LANGUAGE="en")
    assert catalogue.status_code == 200
    assert "Frequency" in catalogue.content.decode()


@pytest.mark.parametrize("days, text", [(1, "1 day left"), (5, "5 days left"),
                                        (-1, "1 day late"), (-3, "3 days late")])
def test_days_left_and_days_late_are_plural_forms(english, round, days, text):
    sub = round.submissions.first()
    now = dt.datetime.combine(sub.deadline - dt.timedelta(days=days), dt.time(9),
                              tzinfo=dt.UTC)
    _subject, body = _message(sub, now)
    assert text in body
