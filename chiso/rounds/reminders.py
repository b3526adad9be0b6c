"""Reminders to units that have not sent their form: one `Reminder` row and one e-mail per
unit, through Django's e-mail backend (locmem in tests, SMTP in production).

Two ways in: the secretariat presses "send reminders" on a round (`send_reminders`), and
`chiso remind` — called by a scheduler — runs `run(now=…)`, which reminds every unit that
has not sent its form `REMIND_BEFORE_DAYS` days before its deadline, on the day, and once a
day while it is overdue (for `OVERDUE_DAYS` days, after which the secretariat decides).

A unit reminded less than `MIN_INTERVAL` ago is skipped, so that pressing the button twice
(or a scheduled job and a person) does not flood a commune's inbox.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chiso.orgs import permissions

from . import workflow
from .inbox import NOT_SENT
from .models import Reminder, ReportingRound, Submission

MIN_INTERVAL = dt.timedelta(hours=20)
REMIND_BEFORE_DAYS = (3, 1)  # and on the day itself
OVERDUE_DAYS = 14  # overdue units are reminded daily for this long


def recipients_for(submission: Submission) -> list[str]:
    """E-mail addresses of the people who can fill in or approve the unit's form."""
    users = get_user_model().objects.filter(memberships__unit=submission.unit, is_active=True)
    emails = []
    for user in permissions.with_memberships(users.distinct().order_by("username")):
        if user.email and (permissions.can(user, "edit_data", submission.unit)
                           or permissions.can(user, "approve", submission.unit)):
            emails.append(user.email)
    return emails


def _message(submission: Submission, now: dt.datetime) -> tuple[str, str]:
    round = submission.round
    days = (submission.deadline - timezone.localdate(now)).days
    if days > 0:
        when = ngettext("còn %(n)d ngày (hạn %(d)s)", "còn %(n)d ngày (hạn %(d)s)", days)
    elif days == 0:
        when = _("hạn nộp là hôm nay, %(d)s")
    else:
        # Vietnamese has one form; English needs "1 day" / "5 days".
        when = ngettext("đã quá hạn %(n)d ngày (hạn %(d)s)", "đã quá hạn %(n)d ngày (hạn %(d)s)",
                        -days)
    when = when % {"n": abs(days), "d": submission.deadline.strftime("%d/%m/%Y")}
    subject = _("[chiso] Nhắc nộp báo cáo: %(r)s") % {"r": round.name}
    body = _("Kính gửi %(unit)s,\n\n%(owner)s đề nghị đơn vị hoàn thành và gửi biểu mẫu "
             "“%(r)s” (%(p)s): %(when)s.\n\nTrân trọng.") % {
        "unit": submission.unit.name, "owner": round.owner.name, "r": round.name,
        "p": round.period.label, "when": when}
    return subject, body


def send_reminders(round: ReportingRound, user, *, units=None,
                   now: dt.datetime | None = None) -> list[Reminder]:
    """Remind every unit of the round that has not sent its form (or only `units`)."""
    now = now or timezone.now()
    if not workflow.is_secretariat(user, round):
        raise workflow.WorkflowForbidden(_("Chỉ cơ quan thường trực được gửi nhắc nhở."))
    subs = round.submissions.filter(state__in=NOT_SENT).select_related("unit", "round",
                                                                      "round__period",
                                                                      "round__owner")
    if units is not None:
        subs = subs.filter(unit__in=units)
    return _remind(subs, user, now)


def _remind(subs, sent_by, now: dt.datetime) -> list[Reminder]:
    """E-mail each submission's unit, except those reminded within MIN_INTERVAL."""
    recent = set(Reminder.objects.filter(
        sent_at__gt=now - MIN_INTERVAL, round__in={s.round_id for s in subs},
    ).values_list("round_id", "unit_id"))
    sent = []
    for sub in subs:
        if (sub.round_id, sub.unit_id) in recent:
            continue
        # Units are written to in Vietnamese, whatever language the sender reads.
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _message(sub, now)
        emails = recipients_for(sub)
        if emails:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, emails)
        sent.append(Reminder.objects.create(round=sub.round, unit=sub.unit, sent_by=sent_by,
                                            sent_at=now, recipients=", ".join(emails),
                                            subject=subject))
    return sent


def due_for_reminder(now: dt.datetime) -> list[Submission]:
    """Forms not sent whose deadline is `REMIND_BEFORE_DAYS` away, today, or passed less
    than `OVERDUE_DAYS` ago, in rounds already open."""
    today = timezone.localdate(now)
    subs = (Submission.objects.filter(state__in=NOT_SENT, round__opens_on__lte=today)
            .select_related("unit", "round", "round__period", "round__owner")
            .order_by("round_id", "unit__path"))
    due = []
    for sub in subs:
        days = (sub.deadline - today).days
        if days in REMIND_BEFORE_DAYS or -OVERDUE_DAYS <= days <= 0:
            due.append(sub)
    return due


def run(*, now: dt.datetime, stdout) -> int:
    """The scheduled pass of `chiso remind`: returns the number of units reminded."""
    sent = _remind(due_for_reminder(now), None, now)
    for reminder in sent:
        stdout.write(f"  {reminder.unit.code} {reminder.unit.name}: {reminder.subject} "
                     f"→ {reminder.recipients or '(không có địa chỉ e-mail)'}")
    return len(sent)
