"""What each person has to do across rounds (the inbox) and how complete each round is.

Both are read-only views over submissions; permissions come from `chiso.orgs.permissions`
only (what a user may edit, approve or review), never from role names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chiso.orgs import permissions

from . import workflow
from .models import ReportingRound, SectionReview, Submission

S = Submission.State
NOT_SENT = (S.DRAFT, S.PENDING_APPROVAL, S.APPROVED)

# Inbox kinds, most urgent first: the bucket is the first part of the sort key.
KINDS = {
    "overdue": (0, _("Quá hạn")),
    "returned": (1, _("Bị trả lại")),
    "approval": (2, _("Chờ bạn phê duyệt")),
    "due": (3, _("Cần nộp")),
    "review": (4, _("Chờ bạn thẩm định")),
}


@dataclass
class InboxEntry:
    kind: str
    submission: Submission
    when: dt.datetime  # deadline or submission time: the second part of the sort key
    note: str = ""

    @property
    def label(self) -> str:
        return str(KINDS[self.kind][1])

    @property
    def sort_key(self) -> tuple:
        return (KINDS[self.kind][0], self.when, self.submission.unit.path)


def managed_rounds(user) -> QuerySet[ReportingRound]:
    """Rounds whose owner unit the user manages (the secretariat's rounds), with their
    submissions loaded for `completeness` (two queries for any number of rounds)."""
    return (ReportingRound.objects.filter(owner__in=permissions.units_for(user, "manage"))
            .select_related("period", "owner").prefetch_related(SUBMISSIONS))


def _open_submissions(user) -> QuerySet[Submission]:
    # Rounds the user runs are shown as completeness tables, not as a to-do per unit.
    return (Submission.objects.exclude(round__in=managed_rounds(user))
            .select_related("round", "round__period", "round__owner", "unit")
            .prefetch_related("reviews"))


def inbox_for(user, now: dt.datetime | None = None) -> list[InboxEntry]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    entries: list[InboxEntry] = []
    subs = _open_submissions(user)

    editable = subs.filter(unit__in=permissions.units_for(user, "edit_data"),
                           round__opens_on__lte=today,
                           state__in=(S.DRAFT, S.RETURNED, S.APPROVED))
    for sub in editable:
        if sub.state == S.RETURNED:
            # One reason given for several sections is shown once.
            reasons = "; ".join(dict.fromkeys(
                r.reason for r in sub.reviews.all()
                if r.verdict == SectionReview.Verdict.RETURNED and r.reason))
            entries.append(InboxEntry("returned", sub, sub.deadline_end, reasons))
        elif sub.is_past_deadline(now):
            entries.append(InboxEntry("overdue", sub, sub.deadline_end))
        else:
            entries.append(InboxEntry("due", sub, sub.deadline_end))

    for sub in subs.filter(unit__in=permissions.units_for(user, "approve"),
                           state=S.PENDING_APPROVAL):
        entries.append(InboxEntry("approval", sub, sub.deadline_end))

    reviewable_units = permissions.units_for(user, "review")
    waiting = subs.filter(unit__in=reviewable_units, state__in=(S.SUBMITTED, S.RETURNED))
    sections_by_round: dict[int, set[int]] = {}
    for sub in waiting:
        if sub.round_id not in sections_by_round:
            sections_by_round[sub.round_id] = {
                s.pk for s in workflow.reviewable_sections(user, sub.round, sub.unit)}
        mine = sections_by_round[sub.round_id]
        reviewed = {r.section_id for r in sub.reviews.all()}
        if mine - reviewed:
            entries.append(InboxEntry("review", sub, sub.submitted_at or sub.updated_at))
    entries.sort(key=lambda e: e.sort_key)
    return entries


@dataclass
class Completeness:
    round: ReportingRound
    total: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)

    def pct(self, n: int) -> float | None:
        return 100 * n / self.total if self.total else None

    @property
    def submitted(self) -> int:
        return self.on_time + self.late

    @property
    def pct_submitted(self) -> float | None:
        return self.pct(self.submitted)

    @property
    def pct_on_time(self) -> float | None:
        return self.pct(self.on_time)

    @property
    def pct_late(self) -> float | None:
        return self.pct(self.late)

    @property
    def pct_missing(self) -> float | None:
        return self.pct(self.missing)

    @property
    def accepted(self) -> int:
        return self.by_state.get(S.ACCEPTED, 0) + self.by_state.get(S.LOCKED, 0)


SUBMISSIONS = Prefetch("submissions", queryset=Submission.objects.select_related("unit"))


def status_of(sub: Submission) -> str:
    """on_time / late / missing, as the secretariat counts them."""
    if sub.on_time is None:
        return "missing"
    return "on_time" if sub.on_time else "late"


STATUS_LABELS = {"on_time": _("Đúng hạn"), "late": _("Muộn"), "missing": _("Chưa nộp")}


def completeness(round: ReportingRound, with_rows: bool = False) -> Completeness:
    """Counts of submitted on time, late and missing (a unit that has sent its form once
    counts as submitted even while a reviewer has returned it for corrections)."""
    result = Completeness(round=round)
    prefetch_related_objects([round], SUBMISSIONS)  # no query when the caller prefetched
    subs = round.submissions.all()  # ordered by unit path (Submission.Meta)
    last_reminders: dict[int, dt.datetime] = {}
    if with_rows:
        for unit_id, sent_at in round.reminders.order_by("sent_at").values_list("unit_id",
                                                                                "sent_at"):
            last_reminders[unit_id] = sent_at
    for sub in subs:
        status = status_of(sub)
        result.total += 1
        setattr(result, status, getattr(result, status) + 1)
        result.by_state[sub.state] = result.by_state.get(sub.state, 0) + 1
        if with_rows:
            result.rows.append({"submission": sub, "status": status,
                                "status_label": STATUS_LABELS[status],
                                "last_reminder": last_reminders.get(sub.unit_id)})
    return result
