"""Plans (nghị quyết, chương trình, kế hoạch, đề án), their targets (mục tiêu, chỉ tiêu) and
tasks (nhiệm vụ), progress updates, and the log of reminders sent about them.

Nothing here stores a status: a target's status is read from the accepted `DataValue`s of
its metric and a task's from its dates and updates (`chiso.plans.status`). What is stored
is what the plan *says* (values per year and level, due dates, who leads) and what units
*did* (updates with evidence).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chiso.metrics.models import Evidence, Metric, Period
from chiso.orgs.models import Level, OrgUnit

DECIMAL = {"max_digits": 24, "decimal_places": 6}


def plan_document_path(instance: Plan, filename: str) -> str:
    # The plan's text is a public document once issued; keep the original name readable.
    return f"plans/{instance.issuer_id or 0}/{filename}"


class Plan(models.Model):
    """An issued (or drafted) document with targets and tasks.

    `parent` is the plan it implements: 749/QĐ-TTg (national programme) → 09-NQ/TU
    (provincial resolution) → 37/KH-UBND (yearly plan) → an agency's own plan.
    """

    class Kind(models.TextChoices):
        RESOLUTION = "resolution", _("Nghị quyết")
        PROGRAMME = "programme", _("Chương trình")
        PLAN = "plan", _("Kế hoạch")
        SCHEME = "scheme", _("Đề án")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        IN_FORCE = "in_force", _("Đang có hiệu lực")
        REPLACED = "replaced", _("Đã được thay thế")

    kind = models.CharField(_("loại văn bản"), max_length=12, choices=Kind.choices,
                            default=Kind.PLAN)
    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True,
                              help_text=_("Ví dụ: 59/KH-UBND. Để trống khi còn dự thảo."))
    title = models.CharField(_("trích yếu"), max_length=500)
    issuer = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="plans_issued",
                               verbose_name=_("cơ quan ban hành"))
    owner = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="plans_owned",
                              verbose_name=_("đơn vị theo dõi"),
                              help_text=_("Đơn vị mà kế hoạch đo kết quả (tỉnh, sở, xã); "
                                          "cơ quan thường trực của đơn vị này quản lý kế hoạch."))
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"))
    status = models.CharField(_("tình trạng văn bản"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    document = models.FileField(_("tệp văn bản"), upload_to=plan_document_path, blank=True,
                                max_length=255)
    document_url = models.URLField(_("đường dẫn văn bản"), max_length=500, blank=True)
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="children", verbose_name=_("thực hiện văn bản"))
    replaced_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="replaces", verbose_name=_("được thay thế bởi"))
    copied_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="copies", verbose_name=_("sao chép từ"))
    report_frequency = models.CharField(
        _("kỳ báo cáo tiến độ"), max_length=10, choices=Period.Kind.choices,
        default=Period.Kind.QUARTER,
        help_text=_("Các đơn vị cập nhật tiến độ nhiệm vụ và số liệu chỉ tiêu theo kỳ này."))
    summary = models.TextField(_("mục đích, yêu cầu"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    is_illustrative = models.BooleanField(
        _("dữ liệu minh họa"), default=False,
        help_text=_("Có nội dung được sinh ra cho bản demo, không lấy từ văn bản gốc."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("người tạo"))
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-start_year", "issuer__path", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")),
                                   name="plan_span_ordered"),
            models.UniqueConstraint(fields=["issuer", "number"], condition=~Q(number=""),
                                    name="unique_plan_number_per_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.number} – {self.title}" if self.number else self.title

    @property
    def span(self) -> str:
        if self.start_year == self.end_year:
            return str(self.start_year)
        return f"{self.start_year}–{self.end_year}"

    def ancestors(self) -> list[Plan]:
        """The chain of plans this one implements, the highest first (cycles cut)."""
        chain: list[Plan] = []
        seen = {self.pk}
        node = self.parent
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return list(reversed(chain))


class SolutionGroup(models.Model):
    """A plan's "nhóm nhiệm vụ, giải pháp" (Ninh Thuận's 2023 plan has eight)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="solution_groups",
                             verbose_name=_("kế hoạch"))
    code = models.CharField(_("số thứ tự"), max_length=20, blank=True)
    title = models.CharField(_("tên nhóm giải pháp"), max_length=500)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("nhóm nhiệm vụ, giải pháp")
        verbose_name_plural = _("nhóm nhiệm vụ, giải pháp")
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}" if self.code else self.title


class Target(models.Model):
    """A plan's promise about a metric, evaluated against the metric's accepted values."""

    class Comparison(models.TextChoices):
        AT_LEAST = "gte", _("Đạt từ (≥)")
        AT_MOST = "lte", _("Không quá (≤)")
        EQUAL = "eq", _("Bằng (=)")
        TOP_N = "top", _("Trong nhóm N đứng đầu")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets",
                             verbose_name=_("kế hoạch"))
    code = models.CharField(_("số thứ tự"), max_length=20, blank=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    statement = models.TextField(_("nội dung chỉ tiêu (như văn bản)"))
    pillar = models.CharField(_("trụ cột, lĩnh vực"), max_length=120, blank=True,
                              help_text=_("Ví dụ: Chính quyền số, Kinh tế số, Xã hội số, "
                                          "Cửa khẩu số."))
    solution_group = models.ForeignKey(SolutionGroup, on_delete=models.SET_NULL, null=True,
                                       blank=True, related_name="targets",
                                       verbose_name=_("nhóm giải pháp"))
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="plan_targets", verbose_name=_("chỉ tiêu đo"),
                               help_text=_("Số liệu dùng để đánh giá; để trống nếu chưa đo được "
                                           "(tình trạng sẽ là “chưa có số liệu”)."))
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("đơn vị đo"),
                             help_text=_("Đơn vị có số liệu được đối chiếu; mặc định là đơn vị "
                                         "theo dõi kế hoạch."))
    comparison = models.CharField(_("cách so sánh"), max_length=3, choices=Comparison.choices,
                                  default=Comparison.AT_LEAST)
    tolerance = models.DecimalField(_("sai số cho phép"), default=0, **DECIMAL,
                                    help_text=_("Chỉ dùng với so sánh “bằng”: giá trị lệch khỏi "
                                                "mục tiêu không quá mức này, về cả hai phía, "
                                                "vẫn coi là đạt (mục tiêu 100, sai số 2: từ 98 "
                                                "đến 102 là đạt)."))
    baseline_value = models.DecimalField(_("giá trị gốc"), null=True, blank=True, **DECIMAL)
    baseline_year = models.PositiveSmallIntegerField(_("năm gốc"), null=True, blank=True)
    lead_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="led_targets", verbose_name=_("đơn vị chủ trì"))
    note = models.TextField(_("ghi chú"), blank=True)
    is_illustrative = models.BooleanField(_("dữ liệu minh họa"), default=False)

    class Meta:
        verbose_name = _("chỉ tiêu của kế hoạch")
        verbose_name_plural = _("chỉ tiêu của kế hoạch")
        ordering = ["plan", "order", "pk"]
        indexes = [models.Index(fields=["lead_unit"], name="target_lead_idx")]

    def __str__(self) -> str:
        return f"{self.code}. {self.statement[:80]}" if self.code else self.statement[:80]

    @property
    def measured_unit_id(self) -> int:
        return self.unit_id or self.plan.owner_id


class TargetValue(models.Model):
    """The value a target sets for one year, and for one administrative level where the
    plan differs by level (online applications: 55 % province, 40 % district, 20 %
    commune). `level` empty: the measured unit as a whole. For "top N", `value` is N."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="values",
                               verbose_name=_("chỉ tiêu"))
    year = models.PositiveSmallIntegerField(_("năm"))
    level = models.PositiveSmallIntegerField(_("cấp"), choices=Level.choices, null=True,
                                             blank=True)
    value = models.DecimalField(_("giá trị mục tiêu"), **DECIMAL)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("giá trị mục tiêu")
        verbose_name_plural = _("giá trị mục tiêu")
        ordering = ["target", "year", "level"]
        constraints = [
            models.UniqueConstraint(fields=["target", "year", "level"],
                                    name="unique_target_value_level"),
            models.UniqueConstraint(fields=["target", "year"], condition=Q(level__isnull=True),
                                    name="unique_target_value_whole"),
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.year} {self.level} = {self.value}"


class TargetBreakdown(models.Model):
    """A provincial target's share assigned to a contributing unit (a commune, a sở)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="breakdowns",
                               verbose_name=_("chỉ tiêu"))
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="target_shares",
                             verbose_name=_("đơn vị đóng góp"))
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("giá trị được giao"), **DECIMAL)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("phân bổ chỉ tiêu")
        verbose_name_plural = _("phân bổ chỉ tiêu")
        ordering = ["target", "year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["target", "unit", "year"],
                                    name="unique_target_breakdown"),
        ]

    def __str__(self) -> str:
        return f"{self.target_id} → {self.unit} ({self.year})"


class Task(models.Model):
    """Work a plan assigns: "rõ việc, rõ người, rõ tiến độ, rõ hiệu quả".

    Progress is never typed here: it is the latest `TaskUpdate` of kind progress, written
    by the lead unit. `completed_at` is set by the update that reports 100 %.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks",
                             verbose_name=_("kế hoạch"))
    solution_group = models.ForeignKey(SolutionGroup, on_delete=models.SET_NULL, null=True,
                                       blank=True, related_name="tasks",
                                       verbose_name=_("nhóm giải pháp"))
    code = models.CharField(_("số thứ tự"), max_length=20, blank=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    description = models.TextField(_("nội dung nhiệm vụ"))
    lead_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="led_tasks",
                                  verbose_name=_("đơn vị chủ trì"))
    coordinating_units = models.ManyToManyField(OrgUnit, blank=True,
                                                related_name="coordinated_tasks",
                                                verbose_name=_("đơn vị phối hợp"))
    deliverable = models.CharField(_("sản phẩm"), max_length=500, blank=True)
    start_date = models.DateField(_("bắt đầu"), null=True, blank=True)
    due_date = models.DateField(_("hạn hoàn thành"), null=True, blank=True,
                                help_text=_("Để trống với nhiệm vụ thường xuyên."))
    targets = models.ManyToManyField(Target, blank=True, related_name="tasks",
                                     verbose_name=_("phục vụ chỉ tiêu"))
    dti_component = models.CharField(
        _("chỉ số DTI phục vụ"), max_length=40, blank=True,
        help_text=_("Mã chỉ số thành phần trong bộ chỉ số DTI mà nhiệm vụ giúp cải thiện."))
    is_key = models.BooleanField(_("nội dung trọng tâm"), default=False)
    cancelled = models.BooleanField(_("đã hủy"), default=False)
    cancel_reason = models.TextField(_("lý do hủy"), blank=True)
    completed_at = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    is_illustrative = models.BooleanField(_("dữ liệu minh họa"), default=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["plan", "order", "pk"]
        indexes = [models.Index(fields=["lead_unit", "due_date"], name="task_lead_due_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(cancelled=False) | ~Q(cancel_reason=""),
                                   name="task_cancel_has_reason"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(due_date__isnull=True)
                | Q(due_date__gte=models.F("start_date")),
                name="task_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.description[:80]}" if self.code else self.description[:80]


class TaskUpdate(models.Model):
    """A unit's word on a task: progress (lead unit: percent and text) or a note
    (a coordinating unit's part). Evidence attaches through `metrics.Evidence.owner`."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Cập nhật tiến độ (đơn vị chủ trì)")
        NOTE = "note", _("Ý kiến, phần việc của đơn vị phối hợp")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates",
                             verbose_name=_("nhiệm vụ"))
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="task_updates",
                             verbose_name=_("đơn vị"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name=_("người cập nhật"))
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices,
                            default=Kind.PROGRESS)
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), null=True, blank=True)
    text = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    evidence = GenericRelation(Evidence, content_type_field="owner_type",
                               object_id_field="owner_id", related_query_name="task_update")

    class Meta:
        verbose_name = _("cập nhật nhiệm vụ")
        verbose_name_plural = _("cập nhật nhiệm vụ")
        ordering = ["task", "-created_at", "-pk"]
        indexes = [models.Index(fields=["task", "kind", "created_at"], name="taskupdate_task_idx"),
                   models.Index(fields=["unit", "created_at"], name="taskupdate_unit_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="progress") & Q(percent__isnull=False) & Q(percent__lte=100))
                | (Q(kind="note") & Q(percent__isnull=True)),
                name="taskupdate_percent_by_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} · {self.unit} · {self.created_at:%d/%m/%Y}"


class ReminderLog(models.Model):
    """One nudge sent (or escalation made). `key` is unique: the sender builds it from
    kind, object, recipient and occasion (the due date, the reporting period, the ISO
    week), so running `chiso remind` twice never sends the same thing twice."""

    class Kind(models.TextChoices):
        BEFORE_DUE = "before_due", _("Nhắc trước hạn")
        PERIOD = "period", _("Nhắc kỳ báo cáo")
        ESCALATE_HEAD = "escalate_head", _("Báo thủ trưởng đơn vị (quá hạn)")
        ESCALATE_SECRETARIAT = "escalate_sec", _("Báo cơ quan thường trực (quá hạn)")
        WEEKLY_DIGEST = "digest", _("Bản tin tuần cho lãnh đạo")

    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    object_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True,
                                    blank=True, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    obj = GenericForeignKey("object_type", "object_id")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+", verbose_name=_("đơn vị"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("người nhận"))
    recipient_email = models.CharField(_("địa chỉ nhận"), max_length=254, blank=True)
    occasion = models.CharField(_("dịp"), max_length=40, blank=True,
                                help_text=_("Hạn, kỳ báo cáo hoặc tuần mà lời nhắc nói về."))
    key = models.CharField(max_length=255, unique=True)
    subject = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("nhắc việc đã gửi")
        verbose_name_plural = _("nhắc việc đã gửi")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="reminderlog_obj_idx"),
                   models.Index(fields=["unit", "sent_at"], name="reminderlog_unit_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.recipient_email} · {self.occasion}"

    @staticmethod
    def make_key(kind: str, obj: models.Model | None, recipient: str, occasion: str) -> str:
        what = f"{obj._meta.label_lower}:{obj.pk}" if obj is not None else "-"
        return f"{kind}|{what}|{recipient}|{occasion}"[:255]
