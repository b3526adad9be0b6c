"""`chiso remind` reminds units before their deadline, on the day and while overdue, never
twice within a day, with a fake clock (`--now`); `--dry-run` sends and keeps nothing."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from chiso.rounds import reminders
from chiso.rounds.models import Reminder

from .conftest import at
from .test_reminders import emails  # noqa: F401 (fixture)


def remind(*args) -> str:
    out = io.StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("day, reminded", [
    (9, False),   # six days before the deadline of 15/10: nothing yet
    (12, True),   # three days before
    (13, False),  # two days before
    (14, True),   # the day before
    (15, True),   # the day itself
    (20, True),   # overdue
    (30, False),  # overdue for longer than OVERDUE_DAYS: the secretariat's call
])
def test_units_are_reminded_on_the_right_days(round, people, emails, day, reminded):  # noqa: F811
    sent = reminders.run(now=at(day), stdout=io.StringIO())
    assert sent == (2 if reminded else 0)
    assert len(mail.outbox) == sent


def test_a_unit_that_has_submitted_is_not_reminded(round, people, submitted, emails):  # noqa: F811
    assert reminders.run(now=at(14), stdout=io.StringIO()) == 1
    assert [m.to for m in mail.outbox] == [["baocao@c2.gov.vn"]]


def test_the_command_runs_every_app_and_never_twice_a_day(round, people, emails):  # noqa: F811
    out = remind("--now", "2026-10-14T07:00")
    assert "Kỳ báo cáo:\n  C1 " in out and "Tổng cộng:" in out
    assert Reminder.objects.count() == 2 and len(mail.outbox) == 2
    assert "quá hạn" not in mail.outbox[0].body and "còn 1 ngày" in mail.outbox[0].body
    remind("--now", "2026-10-14T16:00")  # a second run the same day sends nothing more
    assert Reminder.objects.count() == 2 and len(mail.outbox) == 2
    remind("--now", "2026-10-16T07:00")  # the next day, overdue
    assert Reminder.objects.count() == 4
    assert "đã quá hạn 1 ngày" in mail.outbox[-1].body


def test_a_dry_run_lists_what_it_would_send_and_keeps_nothing(round, people, emails):  # noqa: F811
    out = remind("--now", "2026-10-14T07:00", "--dry-run")
    assert "C1" in out and "C2" in out and "baocao@c2.gov.vn" in out
    assert Reminder.objects.count() == 0 and mail.outbox == []
    remind("--now", "2026-10-14T07:00")  # the real run is not held back by the dry one
    assert Reminder.objects.count() == 2


def test_a_bad_now_is_refused_in_vietnamese(db):
    with pytest.raises(CommandError, match="không phải là thời điểm ISO 8601"):
        remind("--now", "hôm qua")


def test_every_app_with_a_reminders_module_is_found(db):
    from chiso.orgs.management.commands.remind import reminder_modules

    names = [config.name for config, _module in reminder_modules()]
    assert "chiso.rounds" in names
