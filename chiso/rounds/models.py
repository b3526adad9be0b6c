"""Reporting rounds (kỳ báo cáo): a form of metrics sent to a set of units for a period,
and each unit's `Submission` moving through the review workflow.

The models only hold state; every change of a submission's state goes through
`chiso.rounds.workflow`, which checks permissions, writes a `SubmissionEvent` and moves
the data values' states through `chiso.metrics.services`.

Deadlines are dates: a round due on 15/01/2027 accepts submissions until the end of that
day, local time (`deadline_end`). A unit's own deadline, set when the secretariat
re-opens its form, overrides the round's.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chiso.orgs.models import OrgUnit


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of `day` in the project's time zone (deadlines are inclusive)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


class ReportingRound(models.Model):
    name = models.CharField(_("tên kỳ báo cáo"), max_length=200)
    owner = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="owned_rounds",
                              verbose_name=_("đơn vị chủ trì"),
                              help_text=_("Cơ quan thường trực quản lý kỳ báo cáo."))
    period = models.ForeignKey("metrics.Period", on_delete=models.PROTECT, related_name="rounds",
                               verbose_name=_("kỳ số liệu"))
    opens_on = models.DateField(_("ngày mở"))
    deadline = models.DateField(_("hạn nộp"))
    requires_head_approval = models.BooleanField(
        _("thủ trưởng phê duyệt trước khi gửi"), default=False)
    instructions = models.TextField(_("hướng dẫn"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("người tạo"))
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("reporting round", "kỳ báo cáo")
        verbose_name_plural = pgettext_lazy("reporting round", "kỳ báo cáo")
        ordering = ["-deadline", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(deadline__gte=models.F("opens_on")),
                                   name="round_deadline_after_opening"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def deadline_end(self) -> dt.datetime:
        return end_of_day(self.deadline)

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return timezone.localdate(now) >= self.opens_on

    def resolve_units(self) -> models.QuerySet[OrgUnit]:
        """The units the round is sent to: its targets, less the units removed from it."""
        ids: set[int] = set()
        for target in self.targets.select_related("unit"):
            ids.update(target.unit_ids())
        # Units the secretariat took off the round stay off, even when a target by kind
        # ("every commune") still covers them.
        ids -= set(self.exclusions.filter(restored_at__isnull=True)
                   .values_list("unit_id", flat=True))
        return OrgUnit.objects.filter(pk__in=ids).order_by("path")


class RoundTarget(models.Model):
    """Who receives the round: one unit exactly (no kinds), or every current unit of the
    given kinds under a unit ("every commune and ward of Quảng Ninh")."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("đơn vị"))
    kinds = models.JSONField(_("loại đơn vị cấp dưới"), default=list, blank=True)

    class Meta:
        verbose_name = _("đối tượng báo cáo")
        verbose_name_plural = _("đối tượng báo cáo")

    def unit_ids(self) -> list[int]:
        if not self.kinds:
            return [self.unit_id]
        return list(self.unit.descendants().filter(kind__in=self.kinds, valid_to__isnull=True)
                    .values_list("pk", flat=True))


class RoundSection(models.Model):
    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    title = models.CharField(_("tên phần"), max_length=200)

    class Meta:
        verbose_name = _("phần của biểu mẫu")
        verbose_name_plural = _("phần của biểu mẫu")
        ordering = ["round", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class RoundItem(models.Model):
    # `round` repeats the section's round so that a metric appears once per form (a
    # constraint cannot reach through the section).
    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(RoundSection, on_delete=models.CASCADE, related_name="items")
    metric = models.ForeignKey("metrics.Metric", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("chỉ tiêu"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    required = models.BooleanField(_("bắt buộc"), default=True)

    class Meta:
        verbose_name = _("chỉ tiêu của biểu mẫu")
        verbose_name_plural = _("chỉ tiêu của biểu mẫu")
        ordering = ["section__order", "section_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["round", "metric"],
                                               name="unique_round_metric")]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.metric_id}"


class ReviewerAssignment(models.Model):
    """A reviewer assigned to a round: to one section, or to the whole form (no section).

    A round without any assignment may be reviewed, whole, by anyone holding "review" on
    the unit; once a round has assignments, reviewers act only on what they were given.
    """

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE,
                              related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="review_assignments",
                                 verbose_name=_("người thẩm định"))
    section = models.ForeignKey(RoundSection, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="assignments", verbose_name=_("phần"))

    class Meta:
        verbose_name = _("phân công thẩm định")
        verbose_name_plural = _("phân công thẩm định")
        constraints = [models.UniqueConstraint(fields=["round", "reviewer", "section"],
                                               name="unique_reviewer_assignment")]


class Submission(models.Model):
    """One unit's answer to a round, with its place in the workflow."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Đang nhập")
        PENDING_APPROVAL = "pending_approval", _("Chờ thủ trưởng duyệt")
        APPROVED = "approved", _("Thủ trưởng đã duyệt")
        SUBMITTED = "submitted", _("Đã gửi, chờ thẩm định")
        RETURNED = "returned", _("Bị trả lại")
        ACCEPTED = "accepted", _("Đã chấp nhận")
        LOCKED = "locked", _("Đã khóa")

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE,
                              related_name="submissions")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="submissions",
                             verbose_name=_("đơn vị"))
    state = models.CharField(_("trạng thái"), max_length=20, choices=State.choices,
                             default=State.DRAFT)
    deadline_override = models.DateField(_("hạn nộp riêng"), null=True, blank=True,
                                         help_text=_("Đặt khi cơ quan thường trực mở lại."))
    # First submission since the last withdrawal or re-opening of a missing form: decides
    # "on time" vs "late" (a return and a resubmission do not make a unit late).
    first_submitted_at = models.DateTimeField(_("gửi lần đầu"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("bài nộp")
        verbose_name_plural = _("bài nộp")
        ordering = ["round", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"],
                                               name="unique_submission")]
        indexes = [models.Index(fields=["round", "state"])]

    def __str__(self) -> str:
        return f"{self.round} – {self.unit}"

    @property
    def deadline(self) -> dt.date:
        return self.deadline_override or self.round.deadline

    @property
    def deadline_end(self) -> dt.datetime:
        return end_of_day(self.deadline)

    def is_past_deadline(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) > self.deadline_end

    @property
    def has_submitted(self) -> bool:
        return self.first_submitted_at is not None

    @property
    def on_time(self) -> bool | None:
        """True/False once submitted; None while nothing has been sent."""
        if self.first_submitted_at is None:
            return None
        return self.first_submitted_at <= self.round.deadline_end


class SectionReview(models.Model):
    """A reviewer's verdict on one section of a submission."""

    class Verdict(models.TextChoices):
        ACCEPTED = "accepted", _("Chấp nhận")
        RETURNED = "returned", _("Trả lại")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    section = models.ForeignKey(RoundSection, on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(_("kết quả"), max_length=10, choices=Verdict.choices)
    reason = models.TextField(_("lý do"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 related_name="+", verbose_name=_("người thẩm định"))
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("kết quả thẩm định phần")
        verbose_name_plural = _("kết quả thẩm định phần")
        constraints = [models.UniqueConstraint(fields=["submission", "section"],
                                               name="unique_section_review")]


class SubmissionEvent(models.Model):
    """The workflow's log: who did what to a submission, when and why. Never edited."""

    class Action(models.TextChoices):
        REQUEST_APPROVAL = "request_approval", _("Trình thủ trưởng duyệt")
        APPROVE = "approve", _("Thủ trưởng duyệt")
        REJECT_APPROVAL = "reject_approval", _("Thủ trưởng trả lại")
        SUBMIT = "submit", _("Gửi")
        WITHDRAW = "withdraw", _("Rút lại")
        ACCEPT = "accept", _("Chấp nhận")
        RETURN = "return", _("Trả lại")
        LOCK = "lock", _("Khóa")
        REOPEN = "reopen", _("Mở lại")
        RESTORE = "restore", _("Thêm lại vào kỳ báo cáo")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=20, choices=Action.choices)
    from_state = models.CharField(_("từ trạng thái"), max_length=20,
                                  choices=Submission.State.choices)
    to_state = models.CharField(_("sang trạng thái"), max_length=20,
                                choices=Submission.State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              related_name="+", verbose_name=_("người thực hiện"))
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    reason = models.TextField(_("lý do"), blank=True)
    sections = models.JSONField(_("các phần"), default=list, blank=True)

    class Meta:
        verbose_name = _("nhật ký bài nộp")
        verbose_name_plural = _("nhật ký bài nộp")
        ordering = ["submission", "at", "pk"]


class Reminder(models.Model):
    """A reminder e-mailed to a unit that has not submitted."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("đơn vị"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                related_name="+", verbose_name=_("người gửi"))
    sent_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)
    recipients = models.TextField(_("người nhận"), blank=True)
    subject = models.CharField(_("tiêu đề"), max_length=300)

    class Meta:
        verbose_name = _("nhắc nhở")
        verbose_name_plural = _("nhắc nhở")
        ordering = ["-sent_at"]


class RoundExclusion(models.Model):
    """A unit taken off a round's recipients by the secretariat, and the audit of it.

    While the row is active (`restored_at` empty) the unit is left out of
    `ReportingRound.resolve_units` whatever the targets say ("every commune" included),
    so `sync_submissions` never brings its form back. The unit's `Submission` is deleted
    (it drops out of inboxes, completeness, reminders and dashboards at once); what the
    form went through is copied into `history` first, so the removal loses no record.
    Re-adding the unit fills `restored_at`/`restored_by`: the row stays as history.
    """

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE,
                              related_name="exclusions")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("đơn vị"))
    reason = models.TextField(_("lý do"))
    state_at_removal = models.CharField(_("trạng thái khi bỏ"), max_length=20,
                                        choices=Submission.State.choices)
    # The deleted submission's events and section reviews, as plain data (who, when,
    # what, why), oldest first.
    history = models.JSONField(_("nhật ký biểu mẫu"), default=dict, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+",
                                   verbose_name=_("người bỏ"))
    removed_at = models.DateTimeField(_("bỏ lúc"), default=timezone.now)
    restored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("người thêm lại"))
    restored_at = models.DateTimeField(_("thêm lại lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị bỏ khỏi kỳ báo cáo")
        verbose_name_plural = _("đơn vị bỏ khỏi kỳ báo cáo")
        ordering = ["round", "-removed_at", "-pk"]
        constraints = [models.UniqueConstraint(
            fields=["round", "unit"], condition=models.Q(restored_at__isnull=True),
            name="one_active_exclusion")]

    def __str__(self) -> str:
        return f"{self.round} – {self.unit}"

    @property
    def is_active(self) -> bool:
        return self.restored_at is None

    @property
    def past_events(self) -> list[dict]:
        """The removed form's log from `history`, with its times as datetimes."""
        labels = dict(SubmissionEvent.Action.choices)  # in the reader's language
        return [{**e, "at": dt.datetime.fromisoformat(e["at"]),
                 "label": labels.get(e["action"], e["action"])}
                for e in (self.history or {}).get("events", [])]
