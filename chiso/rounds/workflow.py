"""Every transition of a `Submission`, in one place.

    draft ──(trình duyệt)──▶ pending_approval ──(duyệt)──▶ approved ─┐
      │  ◀──(thủ trưởng trả lại)──┘                                  │
      └───────────────(gửi, khi không cần duyệt)────────────────────┴─▶ submitted
    submitted ──(thẩm định từng phần)──▶ returned (một phần bị trả lại) / accepted (mọi phần)
    returned ──(sửa, gửi lại)──▶ submitted;  accepted ──(khóa)──▶ locked
    withdraw: pending_approval / approved / submitted → draft, before the deadline and
    before any review;  reopen (secretariat): any state → draft, with a new deadline.

Each function checks who may act (through `chiso.orgs.permissions` only) and from which
state, raises `WorkflowError` (or `WorkflowForbidden`, which is also a PermissionDenied so
views answer 403) with a Vietnamese message, writes a `SubmissionEvent`, and moves the
states of the form's data values through `chiso.metrics.services`.

Time comes from the `now` argument or `django.utils.timezone.now`, so tests fake the
clock by passing `now`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chiso.lib import events
from chiso.metrics import services as metric_services
from chiso.metrics.models import DataValue, Evidence, Metric, Period
from chiso.metrics.models import State as ValueState
from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from .models import (
    ReportingRound,
    RoundExclusion,
    RoundItem,
    RoundSection,
    RoundTarget,
    SectionReview,
    Submission,
    SubmissionEvent,
)

S = Submission.State
A = SubmissionEvent.Action


class WorkflowError(Exception):
    """A transition that the submission's state, the deadline or the data forbid."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class WorkflowForbidden(WorkflowError, PermissionDenied):
    """The user's role or unit does not allow this transition (views answer 403)."""


# --- who may do what ------------------------------------------------------------------
# `user=None` is the system itself (the demo, data migrations), as in metrics.services;
# views always pass the signed-in user.
def _can(user, action: str, unit) -> bool:
    return user is None or permissions.can(user, action, unit)


def is_secretariat(user, round: ReportingRound) -> bool:
    return _can(user, "manage", round.owner)


def reviewable_sections(user, round: ReportingRound, unit) -> list[RoundSection]:
    """The sections of `round` that `user` may review for `unit`."""
    if not _can(user, "review", unit):
        return []
    sections = list(round.sections.all())
    if is_secretariat(user, round) or not round.assignments.exists():
        return sections
    mine = round.assignments.filter(reviewer=user)
    if mine.filter(section__isnull=True).exists():
        return sections
    ids = set(mine.values_list("section_id", flat=True))
    return [s for s in sections if s.pk in ids]


def returned_section_ids(submission: Submission) -> set[int]:
    return set(submission.reviews.filter(verdict=SectionReview.Verdict.RETURNED)
               .values_list("section_id", flat=True))


def editable_sections(user, submission: Submission,
                      now: dt.datetime | None = None) -> list[RoundSection]:
    """Sections the user may type into now: the whole form while drafting before the
    deadline, only the returned sections after a return (accepted ones stay as accepted)."""
    now = now or timezone.now()
    round = submission.round
    if not permissions.can(user, "edit_data", submission.unit):
        return []
    if not round.is_open(now) or submission.state not in (S.DRAFT, S.RETURNED):
        return []
    # The deadline locks a form that was never sent; corrections asked for by a
    # reviewer may be made after it.
    if not submission.has_submitted and submission.is_past_deadline(now):
        return []
    sections = list(round.sections.all())
    returned = returned_section_ids(submission)
    if returned:
        return [s for s in sections if s.pk in returned]
    accepted = set(submission.reviews.values_list("section_id", flat=True))
    return [s for s in sections if s.pk not in accepted]


# --- the form's values ----------------------------------------------------------------
def values_of(submission: Submission, sections: Iterable[RoundSection] | None = None):
    items = RoundItem.objects.filter(round=submission.round_id)
    if sections is not None:
        items = items.filter(section__in=list(sections))
    return DataValue.objects.filter(unit=submission.unit_id, period=submission.round.period_id,
                                    metric__in=items.values("metric"))


def missing_items(submission: Submission) -> list[str]:
    """What keeps the form from being sent: empty required fields, missing evidence."""
    values = {v.metric_id: v for v in values_of(submission)}
    with_evidence = set(Evidence.objects.filter(data_value__in=list(values.values()))
                        .values_list("data_value__metric_id", flat=True))
    problems = []
    for item in (RoundItem.objects.filter(round=submission.round_id)
                 .select_related("metric", "section")):
        value = values.get(item.metric_id)
        empty = value is None or (value.value is None and not value.text)
        if item.required and empty:
            problems.append(_("Chưa nhập “%(m)s” (bắt buộc).") % {"m": item.metric.name})
        elif item.metric.evidence_required and not empty and item.metric_id not in with_evidence:
            problems.append(_("Chưa có minh chứng cho “%(m)s”.") % {"m": item.metric.name})
    return problems


def _move_values(submission: Submission, state: str, user, reason: str,
                 sections: Iterable[RoundSection] | None = None,
                 skip_sections: Iterable[int] = ()) -> None:
    values = values_of(submission, sections)
    skip = list(skip_sections)
    if skip:
        skip_metrics = RoundItem.objects.filter(round=submission.round_id, section__in=skip)
        values = values.exclude(metric__in=skip_metrics.values("metric"))
    metric_services.set_states(list(values.exclude(state=state).only("pk")), state, user=user,
                               reason=reason)


# --- transitions ----------------------------------------------------------------------
def _log(submission: Submission, action: str, old: str, user, now: dt.datetime,
         reason: str = "", sections: Iterable[RoundSection] = ()) -> SubmissionEvent:
    submission.updated_at = now
    submission.save()
    return SubmissionEvent.objects.create(
        submission=submission, action=action, from_state=old, to_state=submission.state,
        actor=user, at=now, reason=reason, sections=[s.pk for s in sections])


def _locked(submission: Submission) -> Submission:
    """Re-read the submission under a row lock so two clicks cannot both transition it."""
    return (Submission.objects.select_for_update().select_related("round", "unit",
                                                                  "round__owner")
            .get(pk=submission.pk))


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise WorkflowForbidden(message)


def _expect(submission: Submission, states: Iterable[str], action_label: str) -> None:
    if submission.state not in states:
        raise WorkflowError(
            _("Không thể %(a)s: biểu mẫu đang ở trạng thái “%(s)s”.")
            % {"a": action_label, "s": submission.get_state_display()})


def _check_deadline(submission: Submission, now: dt.datetime) -> None:
    if not submission.has_submitted and submission.is_past_deadline(now):
        raise WorkflowError(
            _("Đã quá hạn nộp (%(d)s): biểu mẫu đã khóa. Đề nghị cơ quan thường trực mở lại "
              "cho đơn vị.") % {"d": submission.deadline.strftime("%d/%m/%Y")})


def _check_complete(submission: Submission) -> None:
    problems = missing_items(submission)
    if problems:
        raise WorkflowError(_("Chưa thể gửi: %(p)s") % {"p": " ".join(problems)})


def _check_open(submission: Submission, now: dt.datetime) -> None:
    if not submission.round.is_open(now):
        raise WorkflowError(_("Kỳ báo cáo chưa mở (mở từ %(d)s).")
                            % {"d": submission.round.opens_on.strftime("%d/%m/%Y")})


@transaction.atomic
def request_approval(submission: Submission, user, *, now: dt.datetime | None = None
                     ) -> Submission:
    now = now or timezone.now()
    sub = _locked(submission)
    _require(_can(user, "edit_data", sub.unit),
             _("Chỉ cán bộ đầu mối của đơn vị được trình duyệt."))
    if not sub.round.requires_head_approval:
        raise WorkflowError(_("Kỳ báo cáo này không yêu cầu thủ trưởng phê duyệt."))
    _expect(sub, (S.DRAFT, S.RETURNED), _("trình duyệt"))
    _check_open(sub, now)
    _check_deadline(sub, now)
    _check_complete(sub)
    old, sub.state = sub.state, S.PENDING_APPROVAL
    _log(sub, A.REQUEST_APPROVAL, old, user, now)
    return sub


@transaction.atomic
def approve(submission: Submission, user, *, now: dt.datetime | None = None) -> Submission:
    now = now or timezone.now()
    sub = _locked(submission)
    _require(_can(user, "approve", sub.unit),
             _("Chỉ thủ trưởng đơn vị được phê duyệt."))
    _expect(sub, (S.PENDING_APPROVAL,), _("phê duyệt"))
    old, sub.state = sub.state, S.APPROVED
    _log(sub, A.APPROVE, old, user, now)
    return sub


@transaction.atomic
def reject_approval(submission: Submission, user, reason: str, *,
                    now: dt.datetime | None = None) -> Submission:
    now = now or timezone.now()
    sub = _locked(submission)
    _require(_can(user, "approve", sub.unit),
             _("Chỉ thủ trưởng đơn vị được trả lại để sửa."))
    _expect(sub, (S.PENDING_APPROVAL,), _("trả lại để sửa"))
    if not reason.strip():
        raise WorkflowError(_("Cần ghi lý do trả lại."))
    old, sub.state = sub.state, S.DRAFT
    _log(sub, A.REJECT_APPROVAL, old, user, now, reason.strip())
    return sub


@transaction.atomic
def submit(submission: Submission, user, *, now: dt.datetime | None = None) -> Submission:
    now = now or timezone.now()
    sub = _locked(submission)
    _require(_can(user, "edit_data", sub.unit),
             _("Chỉ cán bộ đầu mối của đơn vị được gửi biểu mẫu."))
    if sub.round.requires_head_approval:
        if sub.state in (S.DRAFT, S.RETURNED, S.PENDING_APPROVAL):
            raise WorkflowError(_("Biểu mẫu cần được thủ trưởng đơn vị phê duyệt trước khi gửi."))
        _expect(sub, (S.APPROVED,), _("gửi"))
    else:
        _expect(sub, (S.DRAFT, S.RETURNED), _("gửi"))
    _check_open(sub, now)
    _check_deadline(sub, now)
    _check_complete(sub)
    accepted = list(sub.reviews.filter(verdict=SectionReview.Verdict.ACCEPTED)
                    .values_list("section_id", flat=True))
    # The corrected sections go back to the reviewers; accepted ones stay accepted.
    sub.reviews.filter(verdict=SectionReview.Verdict.RETURNED).delete()
    old, sub.state = sub.state, S.SUBMITTED
    sub.submitted_at = now
    if sub.first_submitted_at is None:
        sub.first_submitted_at = now
    _move_values(sub, ValueState.SUBMITTED, user, _("Gửi biểu mẫu"), skip_sections=accepted)
    _log(sub, A.SUBMIT, old, user, now)
    return sub


@transaction.atomic
def withdraw(submission: Submission, user, *, now: dt.datetime | None = None) -> Submission:
    now = now or timezone.now()
    sub = _locked(submission)
    _require(_can(user, "edit_data", sub.unit),
             _("Chỉ cán bộ đầu mối của đơn vị được rút lại biểu mẫu."))
    _expect(sub, (S.PENDING_APPROVAL, S.APPROVED, S.SUBMITTED), _("rút lại"))
    if sub.is_past_deadline(now):
        raise WorkflowError(_("Đã quá hạn nộp: không thể rút lại."))
    if sub.reviews.exists():
        raise WorkflowError(_("Biểu mẫu đã được thẩm định: không thể rút lại."))
    old, sub.state = sub.state, S.DRAFT
    if old == S.SUBMITTED:
        sub.first_submitted_at = None
        sub.submitted_at = None
        _move_values(sub, ValueState.DRAFT, user, _("Rút lại biểu mẫu"))
    _log(sub, A.WITHDRAW, old, user, now)
    return sub


def _pending_reviewable(user, sub: Submission,
                        sections: Iterable[RoundSection] | None) -> list[RoundSection]:
    allowed = {s.pk: s for s in reviewable_sections(user, sub.round, sub.unit)}
    _require(bool(allowed), _("Bạn không được phân công thẩm định biểu mẫu này."))
    reviewed = set(sub.reviews.values_list("section_id", flat=True))
    if sections is None:
        chosen = [s for pk, s in allowed.items() if pk not in reviewed]
    else:
        chosen = list(sections)
        for s in chosen:
            _require(s.pk in allowed,
                     _("Bạn không được phân công thẩm định phần “%(s)s”.") % {"s": s.title})
            if s.pk in reviewed:
                raise WorkflowError(_("Phần “%(s)s” đã được thẩm định.") % {"s": s.title})
    if not chosen:
        raise WorkflowError(_("Không còn phần nào chờ bạn thẩm định."))
    return chosen


@transaction.atomic
def accept(submission: Submission, user, *, sections: Iterable[RoundSection] | None = None,
           reason: str = "", now: dt.datetime | None = None) -> Submission:
    """Accept the given sections (default: every section the user reviews and nobody has
    reviewed yet). The submission is accepted once every section is."""
    now = now or timezone.now()
    sub = _locked(submission)
    _require(_can(user, "review", sub.unit),
             _("Chỉ tổ thẩm định hoặc cơ quan thường trực được chấp nhận."))
    _expect(sub, (S.SUBMITTED, S.RETURNED), _("chấp nhận"))
    chosen = _pending_reviewable(user, sub, sections)
    for s in chosen:
        SectionReview.objects.create(submission=sub, section=s, reviewer=user, at=now,
                                     verdict=SectionReview.Verdict.ACCEPTED, reason=reason)
    _move_values(sub, ValueState.ACCEPTED, user, reason or _("Chấp nhận"), sections=chosen)
    old = sub.state
    all_ids = set(sub.round.sections.values_list("pk", flat=True))
    accepted = set(sub.reviews.filter(verdict=SectionReview.Verdict.ACCEPTED)
                   .values_list("section_id", flat=True))
    if accepted >= all_ids:
        sub.state = S.ACCEPTED
    _log(sub, A.ACCEPT, old, user, now, reason, chosen)
    events.publish("submission.accepted", sub.unit, round=sub.round_id, state=sub.state)
    return sub


@transaction.atomic
def return_(submission: Submission, user, reason: str, *,
            sections: Iterable[RoundSection] | None = None,
            now: dt.datetime | None = None) -> Submission:
    """Return the given sections (default: every section the user reviews and nobody has
    reviewed yet) to the unit, with a reason."""
    now = now or timezone.now()
    sub = _locked(submission)
    _require(_can(user, "review", sub.unit),
             _("Chỉ tổ thẩm định hoặc cơ quan thường trực được trả lại."))
    _expect(sub, (S.SUBMITTED, S.RETURNED), _("trả lại"))
    if not reason.strip():
        raise WorkflowError(_("Cần ghi lý do trả lại để đơn vị biết cần sửa gì."))
    chosen = _pending_reviewable(user, sub, sections)
    for s in chosen:
        SectionReview.objects.create(submission=sub, section=s, reviewer=user, at=now,
                                     verdict=SectionReview.Verdict.RETURNED,
                                     reason=reason.strip())
    _move_values(sub, ValueState.RETURNED, user, reason.strip(), sections=chosen)
    old, sub.state = sub.state, S.RETURNED
    _log(sub, A.RETURN, old, user, now, reason.strip(), chosen)
    return sub


@transaction.atomic
def lock(submission: Submission, user, *, now: dt.datetime | None = None) -> Submission:
    now = now or timezone.now()
    sub = _locked(submission)
    _require(is_secretariat(user, sub.round), _("Chỉ cơ quan thường trực được khóa biểu mẫu."))
    _expect(sub, (S.ACCEPTED,), _("khóa"))
    old, sub.state = sub.state, S.LOCKED
    _log(sub, A.LOCK, old, user, now)
    return sub


@transaction.atomic
def reopen(submission: Submission, user, new_deadline: dt.date, reason: str, *,
           now: dt.datetime | None = None) -> Submission:
    """The secretariat gives one unit its form back, with its own deadline."""
    now = now or timezone.now()
    sub = _locked(submission)
    _require(is_secretariat(user, sub.round),
             _("Chỉ cơ quan thường trực được mở lại biểu mẫu."))
    if not reason.strip():
        raise WorkflowError(_("Cần ghi lý do mở lại."))
    if new_deadline < timezone.localdate(now):
        raise WorkflowError(_("Hạn nộp mới phải từ hôm nay trở đi."))
    old = sub.state
    sub.state = S.DRAFT
    sub.deadline_override = new_deadline
    sub.reviews.all().delete()
    _move_values(sub, ValueState.DRAFT, user, reason.strip())
    _log(sub, A.REOPEN, old, user, now,
         _("%(r)s (hạn mới: %(d)s)") % {"r": reason.strip(), "d": new_deadline.strftime("%d/%m/%Y")})
    return sub


def bulk_accept(submissions: Iterable[Submission], user, *, now: dt.datetime | None = None
                ) -> tuple[list[Submission], list[tuple[Submission, str]]]:
    """Accept, for each submission, every section the user may review. Each one is its
    own transaction: one refusal does not undo the others."""
    done, failed = [], []
    for sub in submissions:
        try:
            done.append(accept(sub, user, now=now))
        except WorkflowError as exc:
            failed.append((sub, exc.message))
    return done, failed


@transaction.atomic
def lock_accepted(round: ReportingRound, user, *, now: dt.datetime | None = None
                  ) -> list[Submission]:
    """The secretariat locks every accepted form of the round at once (each logged as
    one lock); forms in other states are left as they are."""
    now = now or timezone.now()
    _require(is_secretariat(user, round), _("Chỉ cơ quan thường trực được khóa biểu mẫu."))
    locked = []
    for sub in (Submission.objects.select_for_update().select_related("round", "unit")
                .filter(round=round, state=S.ACCEPTED).order_by("unit__path")):
        old, sub.state = sub.state, S.LOCKED
        _log(sub, A.LOCK, old, user, now)
        locked.append(sub)
    return locked


# --- set-up ---------------------------------------------------------------------------
FormSpec = list[tuple[str, list[tuple[Metric, bool]]]]  # (section title, [(metric, required)])


@transaction.atomic
def create_round(*, name: str, owner: OrgUnit, period: Period, opens_on: dt.date,
                 deadline: dt.date, form: FormSpec, target_kinds: list[str] | None = None,
                 extra_units: Iterable[OrgUnit] = (), requires_head_approval: bool = False,
                 instructions: str = "", created_by=None) -> ReportingRound:
    """A round with its recipients (the `target_kinds` below `owner`, plus `extra_units`),
    its sections and items in the given order, and one submission per unit. The creation
    page and the demo both go through here."""
    round = ReportingRound.objects.create(
        name=name, owner=owner, period=period, opens_on=opens_on, deadline=deadline,
        requires_head_approval=requires_head_approval, instructions=instructions,
        created_by=created_by)
    if target_kinds:
        RoundTarget.objects.create(round=round, unit=owner, kinds=list(target_kinds))
    RoundTarget.objects.bulk_create([RoundTarget(round=round, unit=u) for u in extra_units])
    for s_order, (title, metrics) in enumerate((s for s in form if s[1]), start=1):
        section = RoundSection.objects.create(round=round, order=s_order, title=title)
        RoundItem.objects.bulk_create([
            RoundItem(round=round, section=section, metric=metric, order=order,
                      required=required)
            for order, (metric, required) in enumerate(metrics, start=1)])
    sync_submissions(round)
    return round


def has_sent_data(round: ReportingRound) -> bool:
    """Whether any unit has sent (or had approved) its form: from then on the round's
    opening date and its existing items stay as the units saw them."""
    return round.submissions.exclude(state=S.DRAFT).exists() or round.submissions.filter(
        first_submitted_at__isnull=False).exists()


@transaction.atomic
def update_round(round: ReportingRound, user, *, name: str, instructions: str,
                 opens_on: dt.date, deadline: dt.date, requires_head_approval: bool,
                 form: FormSpec, add_kinds: Iterable[str] = (),
                 add_units: Iterable[OrgUnit] = ()) -> ReportingRound:
    """Change a round after creation, within rules that protect what units have sent:

    - name, instructions, the deadline and the head's approval can always change;
    - recipients can be added (their forms appear at once; naming a unit that was
      removed brings it back); removing one is `remove_recipient`, unit by unit;
    - before any unit has sent its form, the opening date and the whole form can change;
    - afterwards metrics can only be added (to a new or an existing section): removing
      one, or moving it to another section, is refused naming the metric.
    """
    _require(is_secretariat(user, round), _("Chỉ cơ quan thường trực được sửa kỳ báo cáo."))
    if deadline < opens_on:
        raise WorkflowError(_("Hạn nộp phải sau ngày mở."))
    sent = has_sent_data(round)
    if sent and opens_on != round.opens_on:
        raise WorkflowError(_("Đã có đơn vị gửi biểu mẫu: không thể đổi ngày mở."))
    round.name, round.instructions = name, instructions
    round.opens_on, round.deadline = opens_on, deadline
    round.requires_head_approval = requires_head_approval
    round.save()
    _update_form(round, form, sent)
    kinds = [k for k in add_kinds if k]
    if kinds:
        target, _created = RoundTarget.objects.get_or_create(round=round, unit=round.owner,
                                                             defaults={"kinds": kinds})
        target.kinds = sorted(set(target.kinds or []) | set(kinds))
        target.save()
    have = set(round.targets.values_list("unit_id", flat=True))
    add_units = list(add_units)
    RoundTarget.objects.bulk_create([RoundTarget(round=round, unit=u) for u in add_units
                                     if u.pk not in have])
    # Naming a removed unit again is re-adding it (adding kinds is not: see
    # `remove_recipient`).
    _lift_exclusions(round, add_units, user, timezone.now())
    sync_submissions(round)
    return round


def _update_form(round: ReportingRound, form: FormSpec, sent: bool) -> None:
    sections = {s.title: s for s in round.sections.all()}
    items = {i.metric_id: i for i in round.items.select_related("metric", "section")}
    wanted = {metric.pk for _t, metrics in form for metric, _r in metrics}
    if sent:
        removed = [i.metric.code for pk, i in items.items() if pk not in wanted]
        moved = [metric.code for title, metrics in form for metric, _r in metrics
                 if metric.pk in items and items[metric.pk].section.title != title]
        if removed or moved:
            raise WorkflowError(_("Đã có đơn vị gửi biểu mẫu: chỉ được thêm chỉ tiêu, không "
                                  "được bỏ hoặc chuyển phần (%(c)s).")
                                % {"c": ", ".join(removed + moved)})
    RoundItem.objects.filter(round=round).exclude(metric_id__in=wanted).delete()
    kept = set()
    for s_order, (title, metrics) in enumerate((f for f in form if f[1]), start=1):
        section = sections.get(title)
        if section is None:
            section = RoundSection.objects.create(round=round, order=s_order, title=title)
        elif section.order != s_order:
            section.order = s_order
            section.save(update_fields=["order"])
        kept.add(section.pk)
        for order, (metric, required) in enumerate(metrics, start=1):
            item = items.get(metric.pk)
            if item is None:
                RoundItem.objects.create(round=round, section=section, metric=metric,
                                         order=order, required=required)
            elif (item.section_id, item.order, item.required) != (section.pk, order, required):
                item.section, item.order, item.required = section, order, required
                item.save(update_fields=["section", "order", "required"])
    round.sections.exclude(pk__in=kept).filter(items__isnull=True).delete()


def sync_submissions(round: ReportingRound) -> int:
    """Create the missing `Submission` rows for the round's units; returns how many."""
    have = set(round.submissions.values_list("unit_id", flat=True))
    new = [Submission(round=round, unit=u) for u in round.resolve_units() if u.pk not in have]
    Submission.objects.bulk_create(new)
    return len(new)


# --- recipients -------------------------------------------------------------------------
# Forms that nothing has reached the secretariat from (draft, and the unit's own approval
# steps), or that the secretariat's reviewers sent back: the unit may be taken off.
# Submitted, accepted and locked forms are what the unit sent; they stay.
REMOVABLE_STATES = (S.DRAFT, S.PENDING_APPROVAL, S.APPROVED, S.RETURNED)

# Apps built on rounds (assessments) may refuse a removal for reasons of their own: a
# guard gets the round and some of its submissions and returns, by submission pk, a
# Vietnamese refusal naming the unit (one query for any number of units, so the
# recipients page of a round sent to 3,300 communes stays cheap). Registered in their
# AppConfig.ready, so that rounds imports nothing upward.
RemovalGuard = Callable[[ReportingRound, list[Submission]], dict[int, str]]
_REMOVAL_GUARDS: dict[str, RemovalGuard] = {}

# Sent after units were taken off a round (inside the transaction), with `round` and
# `exclusions`: e.g. an assessment marks its results stale.
recipients_removed = Signal()


def register_removal_guard(key: str, guard: RemovalGuard) -> None:
    _REMOVAL_GUARDS[key] = guard


def removal_refusals(round: ReportingRound, submissions: Iterable[Submission]
                     ) -> dict[int, str]:
    """Why each submission's unit cannot be taken off the round, by submission pk; the
    submissions missing from the answer can be removed."""
    subs = list(submissions)
    refusals = {}
    for sub in subs:
        if sub.state not in REMOVABLE_STATES:
            refusals[sub.pk] = _(
                "Không thể bỏ “%(u)s” khỏi kỳ báo cáo: biểu mẫu đang ở trạng thái “%(s)s”, là "
                "bằng chứng của số liệu đơn vị đã gửi. Nếu thật sự cần bỏ, hãy trả lại hoặc "
                "mở lại biểu mẫu (có ghi lý do) trước.") % {
                "u": sub.unit.name, "s": sub.get_state_display()}
    rest = [sub for sub in subs if sub.pk not in refusals]
    for guard in _REMOVAL_GUARDS.values():
        if rest:
            refusals.update(guard(round, rest))
    return refusals


def remove_recipient(round: ReportingRound, unit: OrgUnit, user, reason: str, *,
                     now: dt.datetime | None = None) -> RoundExclusion:
    """`remove_recipients` for one unit."""
    return remove_recipients(round, [unit], user, reason, now=now)[0]


@transaction.atomic
def remove_recipients(round: ReportingRound, units: Iterable[OrgUnit], user, reason: str, *,
                      now: dt.datetime | None = None) -> list[RoundExclusion]:
    """Take units off the round's recipients: the obligation goes, the data stay.

    - only the round's secretariat (`is_secretariat`), with a reason;
    - only units whose form is in `REMOVABLE_STATES` (nothing sent yet, or sent back by
      a reviewer) and that no guard of an app built on rounds refuses (an assessment
      whose unit has started its self-assessment, or whose results are published);
      all or nothing: one refusal and no unit is removed, every refusal named;
    - each unit's `Submission` is deleted, so it leaves inboxes, completeness counts,
      reminders and dashboards; its log and section reviews are copied into its
      `RoundExclusion` row, with who removed it, when, why and from which state;
    - data values are never touched: they belong to metric × unit × period, and another
      round (or a re-adding) may read them;
    - the exclusion holds against every target, so a unit reached by kind ("every
      commune") does not come back through `sync_submissions`; only naming the unit again
      (`restore_recipient`, or picking it among the units to add when editing the
      round) brings it back. Adding a kind later does not undo an explicit removal.
    """
    now = now or timezone.now()
    _require(is_secretariat(user, round),
             _("Chỉ cơ quan thường trực được bỏ đơn vị khỏi kỳ báo cáo."))
    units = list(units)
    if not units:
        raise WorkflowError(_("Chưa chọn đơn vị nào để bỏ khỏi kỳ báo cáo."))
    subs = list(Submission.objects.select_for_update().select_related("round", "unit")
                .filter(round=round, unit__in=units).order_by("unit__path"))
    found = {sub.unit_id for sub in subs}
    strangers = [u.name for u in units if u.pk not in found]
    if strangers:
        raise WorkflowError(_("Không có trong danh sách đơn vị nhận kỳ báo cáo này: %(u)s.")
                            % {"u": ", ".join(f"“{n}”" for n in strangers)})
    reason = reason.strip()
    if not reason:
        raise WorkflowError(_("Cần ghi lý do bỏ %(u)s khỏi kỳ báo cáo.")
                            % {"u": ", ".join(f"“{s.unit.name}”" for s in subs)})
    refusals = removal_refusals(round, subs)
    if refusals:
        raise WorkflowError(" ".join(refusals[s.pk] for s in subs if s.pk in refusals))
    exclusions = [RoundExclusion.objects.create(
        round=round, unit=sub.unit, reason=reason, state_at_removal=sub.state,
        history=_history_of(sub), removed_by=user, removed_at=now) for sub in subs]
    Submission.objects.filter(pk__in=[s.pk for s in subs]).delete()
    recipients_removed.send(sender=ReportingRound, round=round, exclusions=exclusions)
    events.publish("submission.removed", [s.unit for s in subs], round=round.pk)
    return exclusions


def _who(user) -> str:
    if user is None:
        return ""
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else user.username


def _iso(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _history_of(sub: Submission) -> dict:
    """The submission's record as plain data, to outlive the row."""
    titles = dict(sub.round.sections.values_list("pk", "title"))
    return {
        "first_submitted_at": _iso(sub.first_submitted_at),
        "deadline_override": sub.deadline_override and sub.deadline_override.isoformat(),
        "events": [{"action": e.action, "from": e.from_state, "to": e.to_state, "by": _who(e.actor),
                    "at": _iso(e.at), "reason": e.reason,
                    "sections": [titles.get(pk, str(pk)) for pk in e.sections]}
                   for e in sub.events.select_related("actor").order_by("at", "pk")],
        "reviews": [{"section": r.section.title, "verdict": r.verdict, "reason": r.reason,
                     "by": _who(r.reviewer), "at": _iso(r.at)}
                    for r in sub.reviews.select_related("section", "reviewer")
                    .order_by("at", "pk")],
    }


@transaction.atomic
def restore_recipient(round: ReportingRound, unit: OrgUnit, user, *,
                      now: dt.datetime | None = None) -> Submission:
    """Put a removed unit back: a fresh draft form (its values, kept all along, show in
    it again), with the round's deadline; the exclusion row stays as history."""
    now = now or timezone.now()
    _require(is_secretariat(user, round),
             _("Chỉ cơ quan thường trực được thêm đơn vị vào kỳ báo cáo."))
    if not round.exclusions.filter(unit=unit, restored_at__isnull=True).exists():
        raise WorkflowError(_("“%(u)s” không nằm trong danh sách đơn vị đã bỏ khỏi kỳ báo cáo.")
                            % {"u": unit.name})
    _lift_exclusions(round, [unit], user, now)
    return round.submissions.select_related("unit").get(unit=unit)


def _lift_exclusions(round: ReportingRound, units: Iterable[OrgUnit], user,
                     now: dt.datetime) -> None:
    ids = [u.pk for u in units]
    lifted = list(round.exclusions.select_for_update()
                  .filter(unit__in=ids, restored_at__isnull=True).select_related("unit"))
    if not lifted:
        return
    RoundExclusion.objects.filter(pk__in=[x.pk for x in lifted]).update(
        restored_at=now, restored_by=user)
    # A unit that no target reaches any more (merged since, or added one by one and its
    # kind dropped) is named explicitly, so that the re-adding holds.
    reached = set(round.resolve_units().values_list("pk", flat=True))
    RoundTarget.objects.bulk_create([RoundTarget(round=round, unit=x.unit) for x in lifted
                                     if x.unit_id not in reached])
    sync_submissions(round)
    by_unit = {x.unit_id: x for x in lifted}
    for sub in round.submissions.filter(unit__in=by_unit).select_related("round", "unit"):
        x = by_unit[sub.unit_id]
        # Stored in the project's language, whatever the secretariat is reading in.
        with translation.override(settings.LANGUAGE_CODE):
            note = _("Đã bỏ khỏi kỳ báo cáo ngày %(d)s (lý do: %(r)s); nay thêm lại.") % {
                "d": timezone.localtime(x.removed_at).strftime("%d/%m/%Y"), "r": x.reason}
        _log(sub, A.RESTORE, sub.state, user, now, note)
