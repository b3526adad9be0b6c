"""Nudges about plans, sent by `chiso remind` (a scheduler calls it, e.g. hourly or daily).

One pass (`run`) reads what every unit owes (`chiso.plans.inbox`) and sends:
1. reminders to the people who enter a unit's data: a task's due date is near (at each of
   `CHISO_PLANS_REMIND_BEFORE_DAYS`, default 7 and 1 days before), or a reporting period
   has ended and progress or a target's figure is owed;
2. escalations of overdue items: to the unit's head (its members who approve) after
   `CHISO_PLANS_ESCALATE_HEAD_DAYS` (default 3) days late, then to the secretariat of the
   plan's owner after `CHISO_PLANS_ESCALATE_SECRETARIAT_DAYS` (default 10);
3. a weekly digest to leaders (from `CHISO_PLANS_DIGEST_WEEKDAY`, default Monday, once per
   ISO week): what is overdue, what falls due, who is silent.

Every line of every e-mail is one `ReminderLog` row whose unique key names the kind, the
item, the recipient and the occasion (the due date, the reporting period, the week), so a
second run — the same day or after a missed day — never repeats anything. Lines for one
person are gathered into one e-mail per kind. `now` is a parameter so that tests (and a
re-run for a given day) drive the clock. Mail goes through Django's e-mail settings.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chiso.lib.formatting import format_date
from chiso.orgs import permissions
from chiso.orgs.models import Membership, OrgUnit, Role

from . import inbox, status
from .inbox import InboxItem
from .models import Plan, ReminderLog, Target

K = ReminderLog.Kind
log = logging.getLogger(__name__)


def _setting(name: str, default):
    return getattr(settings, name, default)


def remind_before_days() -> tuple[int, ...]:
    return tuple(sorted(int(d) for d in _setting("CHISO_PLANS_REMIND_BEFORE_DAYS", (7, 1))))


def escalate_head_days() -> int:
    return int(_setting("CHISO_PLANS_ESCALATE_HEAD_DAYS", 3))


def escalate_secretariat_days() -> int:
    return int(_setting("CHISO_PLANS_ESCALATE_SECRETARIAT_DAYS", 10))


def digest_weekday() -> int:
    return int(_setting("CHISO_PLANS_DIGEST_WEEKDAY", 0))  # Monday


def site_url() -> str:
    return str(_setting("CHISO_SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


# --- what to send -----------------------------------------------------------------------
@dataclass
class Line:
    """One thing told to one person: one line of an e-mail, one `ReminderLog` row."""

    kind: str
    obj: object | None
    unit: OrgUnit | None
    occasion: str
    text: str
    item: InboxItem | None = None


@dataclass
class Mail:
    user: object
    group: str  # "remind", "head", "secretariat", "digest"
    lines: list[Line] = field(default_factory=list)


class Outbox:
    def __init__(self, now: dt.datetime):
        self.now = now
        self.mails: dict[tuple[int, str], Mail] = {}

    def add(self, user, group: str, line: Line) -> None:
        mail = self.mails.setdefault((user.pk, group), Mail(user, group))
        mail.lines.append(line)

    def send(self) -> dict[str, int]:
        """Drop what was already sent, then log and send the rest, one e-mail per person
        and kind. Returns the number of e-mails sent per kind."""
        keyed = [(mail, line, ReminderLog.make_key(line.kind, line.obj, mail.user.email,
                                                   line.occasion))
                 for mail in self.mails.values() for line in mail.lines]
        done = set(ReminderLog.objects.filter(key__in={k for *_x, k in keyed})
                   .values_list("key", flat=True))
        fresh: dict[tuple[int, str], list[tuple[Line, str]]] = defaultdict(list)
        for mail, line, key in keyed:
            if key not in done:
                done.add(key)  # the same line twice in one run is sent once
                fresh[(mail.user.pk, mail.group)].append((line, key))
        counts: dict[str, int] = defaultdict(int)
        for (user_pk, group), lines in fresh.items():
            mail = self.mails[(user_pk, group)]
            try:
                # Log and send together: if sending fails the log is rolled back and the
                # next run tries again; if another run logged first, this one sends nothing.
                with transaction.atomic():
                    ReminderLog.objects.bulk_create([self._log(mail.user, line, key)
                                                     for line, key in lines])
                    message = _compose(mail.user, group, [line for line, _k in lines], self.now)
                    get_connection().send_messages([message])
            except IntegrityError:
                continue
            except (smtplib.SMTPException, OSError):
                # The mail server refused or was unreachable: this e-mail's log is rolled
                # back with it (the savepoint), so the next run tries again; the others go.
                log.warning("plans reminder to %s not sent", mail.user.email, exc_info=True)
                counts["failed"] += 1
                continue
            counts[group] += 1
        return dict(counts)

    def _log(self, user, line: Line, key: str) -> ReminderLog:
        obj = line.obj
        return ReminderLog(
            kind=line.kind, key=key, unit=line.unit, recipient=user,
            recipient_email=user.email, occasion=line.occasion[:40], sent_at=self.now,
            object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
            object_id=getattr(obj, "pk", None), subject=line.text[:300])


# --- e-mails ----------------------------------------------------------------------------
def _compose(user, group: str, lines: list[Line], now: dt.datetime) -> EmailMessage:
    # People are written to in Vietnamese, whatever language the run happens in.
    with translation.override(settings.LANGUAGE_CODE):
        n = len(lines)
        if group == "remind":
            subject = ngettext("[chiso] Nhắc việc kế hoạch: %(n)d việc cần làm",
                               "[chiso] Nhắc việc kế hoạch: %(n)d việc cần làm", n) % {"n": n}
            intro = _("Các việc dưới đây của đơn vị sắp đến hạn hoặc đã đến kỳ báo cáo:")
        elif group == "head":
            subject = ngettext("[chiso] Đơn vị có %(n)d việc kế hoạch quá hạn",
                               "[chiso] Đơn vị có %(n)d việc kế hoạch quá hạn", n) % {"n": n}
            intro = _("Các việc dưới đây của đơn vị do đồng chí phụ trách đã quá hạn, "
                      "đề nghị chỉ đạo hoàn thành và cập nhật trên chiso:")
        elif group == "secretariat":
            subject = ngettext("[chiso] %(n)d việc kế hoạch quá hạn cần đôn đốc",
                               "[chiso] %(n)d việc kế hoạch quá hạn cần đôn đốc", n) % {"n": n}
            intro = _("Các việc dưới đây đã quá hạn, đã báo thủ trưởng đơn vị nhưng chưa "
                      "được cập nhật:")
        else:
            subject = _("[chiso] Bản tin kế hoạch tuần %(w)s") % {"w": _iso_week(now)}
            intro = _("Tình hình thực hiện các kế hoạch đến ngày %(d)s:") % {
                "d": format_date(timezone.localdate(now))}
        name = user.get_full_name() or user.username
        body = "\n".join([
            _("Kính gửi %(name)s,") % {"name": name}, "", intro, "",
            *[line.text for line in lines], "",
            _("Xem và cập nhật tại: %(url)s") % {"url": site_url() + _link(group)}, "",
            _("Thư này do chiso gửi tự động; mỗi việc chỉ được nhắc một lần cho mỗi mốc."),
        ])
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def _link(group: str) -> str:
    return reverse("plans_silent") if group in ("secretariat", "digest") else reverse("plans_inbox")


def _days(n: int, late: bool) -> str:
    if late:
        return ngettext("quá hạn %(n)d ngày", "quá hạn %(n)d ngày", n) % {"n": n}
    if n == 0:
        return _("hạn là hôm nay")
    return ngettext("còn %(n)d ngày", "còn %(n)d ngày", n) % {"n": n}


def describe(item: InboxItem, with_unit: bool = False) -> str:
    """One e-mail line about an item, in the active language."""
    plan = item.plan.number or item.plan.title
    when = _days(item.days_late if item.overdue else item.days_left, item.overdue)
    head = f"[{item.label}] {item.title}"
    if with_unit:
        head = _("%(unit)s — %(text)s") % {"unit": item.unit.name, "text": head}
    if item.kind == "task":
        text = _("%(head)s (%(plan)s): hạn hoàn thành %(due)s, %(when)s.")
    elif item.kind == "update":
        text = _("%(head)s (%(plan)s): chưa cập nhật tiến độ %(period)s, hạn cập nhật "
                 "%(due)s, %(when)s.")
    else:
        text = _("%(head)s (%(plan)s): chưa có số liệu %(period)s của %(measured)s, hạn "
                 "báo cáo %(due)s, %(when)s.")
    text = text % {"head": head, "plan": plan, "due": format_date(item.due), "when": when,
                   "period": inbox.period_label(item.period) if item.period else "",
                   "measured": item.measured_unit.name if item.measured_unit else ""}
    return "• " + text


def _occasion(item: InboxItem) -> str:
    # A new due date or a new reporting period is a new occasion: nudged again.
    return item.period.code if item.period is not None else item.due.isoformat()


def _iso_week(now: dt.datetime) -> str:
    year, week, _day = timezone.localdate(now).isocalendar()
    return f"{year}-W{week:02d}"


# --- recipients -------------------------------------------------------------------------
class People:
    """Members of units, loaded once per run with their memberships (for `can`)."""

    def __init__(self):
        self._members: dict[int, list] = {}

    def load(self, unit_ids) -> None:
        wanted = set(unit_ids) - self._members.keys()
        if not wanted:
            return
        users = (get_user_model().objects.filter(memberships__unit_id__in=wanted,
                                                  is_active=True)
                 .exclude(email="").distinct().order_by("username"))
        for uid in wanted:
            self._members[uid] = []
        for user in permissions.with_memberships(users):
            for m in user._chiso_memberships:
                if m.unit_id in wanted and user not in self._members[m.unit_id]:
                    self._members[m.unit_id].append(user)

    def who_can(self, action: str, unit: OrgUnit) -> list:
        """The unit's own members allowed `action` on it."""
        self.load([unit.pk])
        return [u for u in self._members[unit.pk] if permissions.can(u, action, unit)]

    def secretariat(self, owner: OrgUnit) -> list:
        """Who manages the plan's owner: the nearest unit, from the owner up, whose
        members may manage it (the province's Sở KH&CN staff sit at the province)."""
        chain = list(reversed(owner.ancestor_ids(include_self=True)))
        self.load(chain)
        for uid in chain:
            found = [u for u in self._members[uid] if permissions.can(u, "manage", owner)]
            if found:
                return found
        return []


# --- the run ----------------------------------------------------------------------------
def _reminders(by_unit: dict[int, list[InboxItem]], people: People, outbox: Outbox) -> None:
    before = remind_before_days()
    for items in by_unit.values():
        for item in items:
            if item.overdue:
                continue
            if item.kind == "task":
                # The nearest threshold not yet passed: a task found 2 days before its due
                # date gets the 7-day reminder once, not the 7- and 1-day ones together.
                reached = [d for d in before if item.days_left <= d]
                if not reached:
                    continue
                kind, occasion = K.BEFORE_DUE, f"{item.due.isoformat()}/{reached[0]}"
            else:
                kind, occasion = K.PERIOD, _occasion(item)
            for user in people.who_can("edit_data", item.unit):
                outbox.add(user, "remind", Line(kind, item.obj, item.unit, occasion,
                                                describe(item), item))


def _escalations(by_unit: dict[int, list[InboxItem]], people: People, outbox: Outbox) -> None:
    head_after, sec_after = escalate_head_days(), escalate_secretariat_days()
    for items in by_unit.values():
        for item in items:
            if not item.overdue:
                continue
            if item.days_late >= head_after:
                for user in people.who_can("approve", item.unit):
                    outbox.add(user, "head", Line(K.ESCALATE_HEAD, item.obj, item.unit,
                                                  _occasion(item), describe(item), item))
            if item.days_late >= sec_after:
                for user in people.secretariat(item.plan.owner):
                    outbox.add(user, "secretariat", Line(
                        K.ESCALATE_SECRETARIAT, item.obj, item.unit, _occasion(item),
                        describe(item, with_unit=True), item))


def _digests(now: dt.datetime, by_unit: dict[int, list[InboxItem]], outbox: Outbox) -> None:
    today = timezone.localdate(now)
    if today.weekday() < digest_weekday():
        return
    week = _iso_week(now)
    owners = set(Plan.objects.filter(status=Plan.Status.IN_FORCE).values_list("owner__path",
                                                                             flat=True))
    if not owners:
        return
    leaders = (Membership.objects.filter(role=Role.LEADER, user__is_active=True)
               .exclude(user__email="").select_related("user", "unit").order_by("unit__path"))
    texts: dict[int, str] = {}
    for m in leaders:
        if not any(path.startswith(m.unit.path) for path in owners):
            continue  # no plan in force in this leader's area
        if m.unit.pk not in texts:  # several leaders of one province read one text
            texts[m.unit.pk] = digest_text(m.unit, today, by_unit)
        text = texts[m.unit.pk]
        outbox.add(m.user, "digest", Line(K.WEEKLY_DIGEST, m.unit, m.unit, week, text))


def digest_text(area: OrgUnit, today: dt.date, by_unit: dict[int, list[InboxItem]]) -> str:
    """The weekly summary for one leader's area: counts, then the units most behind and
    the silent ones."""
    items = [i for its in by_unit.values() for i in its
             if i.plan.owner.path.startswith(area.path)]
    overdue = [i for i in items if i.overdue]
    week_end = today + dt.timedelta(days=7)
    due_week = [i for i in items if i.kind == "task" and not i.overdue and i.due <= week_end]
    late_units: dict[int, list[InboxItem]] = defaultdict(list)
    for i in overdue:
        late_units[i.unit.pk].append(i)
    lines = [
        _("%(area)s:") % {"area": area.name},
        ngettext("• %(n)d việc đã quá hạn", "• %(n)d việc đã quá hạn", len(overdue))
        % {"n": len(overdue)},
        ngettext("• %(n)d nhiệm vụ đến hạn trong 7 ngày tới",
                 "• %(n)d nhiệm vụ đến hạn trong 7 ngày tới", len(due_week))
        % {"n": len(due_week)},
    ]
    targets = Target.objects.filter(plan__status=Plan.Status.IN_FORCE,
                                    plan__owner__path__startswith=area.path)
    by_status = Counter(r.status for r in status.target_statuses(targets, today).values())
    lines.append(ngettext(
        "• %(n)d chỉ tiêu có nguy cơ không đạt, %(m)d chỉ tiêu không đạt (trên %(t)d chỉ tiêu)",
        "• %(n)d chỉ tiêu có nguy cơ không đạt, %(m)d chỉ tiêu không đạt (trên %(t)d chỉ tiêu)",
        by_status[status.TargetStatus.AT_RISK]) % {
        "n": by_status[status.TargetStatus.AT_RISK],
        "m": by_status[status.TargetStatus.NOT_ACHIEVED], "t": sum(by_status.values())})
    if late_units:
        lines.append(_("Đơn vị có nhiều việc quá hạn nhất:"))
        worst = sorted(late_units.values(), key=lambda its: (-len(its), its[0].unit.path))[:5]
        for its in worst:
            oldest = max(i.days_late for i in its)
            lines.append("  – " + ngettext(
                "%(unit)s: %(n)d việc, lâu nhất quá hạn %(d)d ngày",
                "%(unit)s: %(n)d việc, lâu nhất quá hạn %(d)d ngày", len(its))
                % {"unit": its[0].unit.name, "n": len(its), "d": oldest})
    silent = [s for s in inbox.silent_units(area, today, by_unit)
              if s.days_silent is None or s.days_silent >= 30][:5]
    if silent:
        lines.append(_("Đơn vị lâu không cập nhật:"))
        for s in silent:
            if s.days_silent is None:
                lines.append("  – " + _("%(unit)s: chưa cập nhật lần nào") % {"unit": s.unit.name})
            else:
                lines.append("  – " + ngettext(
                    "%(unit)s: %(n)d ngày chưa cập nhật", "%(unit)s: %(n)d ngày chưa cập nhật",
                    s.days_silent) % {"unit": s.unit.name, "n": s.days_silent})
    return "\n".join(lines)


def run(*, now: dt.datetime, stdout) -> int:
    """Send what is due at `now`; returns the number of e-mails sent."""
    today = timezone.localdate(now)
    with translation.override(settings.LANGUAGE_CODE):
        by_unit = inbox.items_by_unit(today)
        people, outbox = People(), Outbox(now)
        # Everyone who may be written to, in one query: the owing units' members and the
        # secretariats up the tree from each plan's owner.
        owing = {i.unit for its in by_unit.values() for i in its}
        owners = {i.plan.owner for its in by_unit.values() for i in its}
        people.load({u.pk for u in owing}
                    | {a for o in owners for a in o.ancestor_ids(include_self=True)})
        _reminders(by_unit, people, outbox)
        _escalations(by_unit, people, outbox)
        _digests(now, by_unit, outbox)
        counts = outbox.send()
        failed = counts.pop("failed", 0)
        total = sum(counts.values())
        stdout.write(_("Kế hoạch: đã gửi %(n)d thư (nhắc việc %(r)d, báo thủ trưởng %(h)d, "
                       "báo thường trực %(s)d, bản tin tuần %(d)d).") % {
            "n": total, "r": counts.get("remind", 0), "h": counts.get("head", 0),
            "s": counts.get("secretariat", 0), "d": counts.get("digest", 0)} + "\n")
        if failed:
            stdout.write(ngettext("Kế hoạch: %(n)d thư chưa gửi được (máy chủ thư báo lỗi); "
                                  "lần chạy sau sẽ gửi lại.",
                                  "Kế hoạch: %(n)d thư chưa gửi được (máy chủ thư báo lỗi); "
                                  "lần chạy sau sẽ gửi lại.", failed) % {"n": failed} + "\n")
    return total
