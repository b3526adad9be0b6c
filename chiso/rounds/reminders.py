"""Reminders to units that have not sent their form: one `Reminder` row and one e-mail per
unit, through Django's e-mail backend (locmem in tests, SMTP in production).

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

from chiso.orgs import permissions

from . import workflow
from .inbox import NOT_SENT
from .models import Reminder, ReportingRound, Submission

MIN_INTERVAL = dt.timedelta(hours=20)


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
        when = _("còn %(n)d ngày (hạn %(d)s)")
    elif days == 0:
        when = _("hạn nộp là hôm nay, %(d)s")
    else:
        when = _("đã quá hạn %(n)d ngày (hạn %(d)s)")
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
    recent = set(round.reminders.filter(sent_at__gt=now - MIN_INTERVAL)
                 .values_list("unit_id", flat=True))
    sent = []
    for sub in subs:
        if sub.unit_id in recent:
            continue
        # Units are written to in Vietnamese, whatever language the sender reads.
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _message(sub, now)
        emails = recipients_for(sub)
        if emails:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, emails)
        sent.append(Reminder.objects.create(round=round, unit=sub.unit, sent_by=user, sent_at=now,
                                            recipients=", ".join(emails), subject=subject))
    return sent
