"""Reminders to units that have not sent their form, with a fake clock."""

import pytest
from django.core import mail

from chiso.conftest import make_user
from chiso.orgs.models import Role
from chiso.rounds.models import Reminder
from chiso.rounds.reminders import send_reminders
from chiso.rounds.workflow import WorkflowForbidden

from .conftest import AFTER, BEFORE, at


@pytest.fixture
def emails(people, other_reporter, tree):
    for user, email in ((people["reporter"], "baocao@c1.gov.vn"), (people["head"], "truong@c1.gov.vn"),
                        (other_reporter, "baocao@c2.gov.vn"), (people["leader"], "ld@p1.gov.vn")):
        user.email = email
        user.save()


def test_only_missing_units_are_reminded_by_email(round, people, submitted, emails, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sent = send_reminders(round, people["admin"], now=BEFORE)
    assert [r.unit.code for r in sent] == ["C2"]  # C1 has submitted
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["baocao@c2.gov.vn"]
    assert "Nhắc nộp báo cáo" in message.subject
    assert "còn 5 ngày (hạn 15/10/2026)" in message.body


def test_the_reporter_and_the_head_receive_it(round, people, emails):
    send_reminders(round, people["admin"], now=BEFORE)
    c1 = Reminder.objects.get(unit__code="C1")
    assert c1.recipients == "truong@c1.gov.vn, baocao@c1.gov.vn"  # by username
    # One message per unit; the province's leader is not a recipient.
    assert sorted(sorted(m.to) for m in mail.outbox) == [
        ["baocao@c1.gov.vn", "truong@c1.gov.vn"], ["baocao@c2.gov.vn"]]


def test_a_unit_is_not_reminded_twice_within_a_day(round, people, emails):
    assert len(send_reminders(round, people["admin"], now=at(10, hour=8))) == 2
    assert send_reminders(round, people["admin"], now=at(10, hour=20)) == []
    later = send_reminders(round, people["admin"], now=at(11, hour=9))
    assert len(later) == 2
    assert Reminder.objects.count() == 4


def test_after_the_deadline_the_message_says_how_late(round, people, emails):
    send_reminders(round, people["admin"], now=AFTER)
    assert "đã quá hạn 5 ngày" in mail.outbox[0].body


@pytest.mark.parametrize("role", ["reviewer", "leader", "reporter", "head"])
def test_only_the_secretariat_sends_reminders(round, people, role):
    with pytest.raises(WorkflowForbidden):
        send_reminders(round, people[role], now=BEFORE)


def test_a_unit_without_addresses_is_still_recorded(round, people, tree):
    make_user("reporter_c2", Role.REPORTER, tree["C2"])  # no e-mail address
    sent = send_reminders(round, people["admin"], now=BEFORE)
    assert {r.recipients for r in sent} == {""}
    assert mail.outbox == []


def test_the_remind_button(client, people, round, emails, clock):
    client.force_login(people["admin"])
    response = client.post(f"/ky-bao-cao/{round.pk}/nhac-nho/", follow=True)
    assert "Đã gửi nhắc nhở tới 2 đơn vị" in response.content.decode()


def test_reminders_are_vietnamese_even_when_the_sender_reads_english(round, people, emails):
    from django.utils import translation

    with translation.override("en"):
        send_reminders(round, people["admin"], now=BEFORE)
    assert all("Nhắc nộp báo cáo" in m.subject for m in mail.outbox)
