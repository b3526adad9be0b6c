"""Metrics (chỉ tiêu), periods (kỳ), data values (số liệu) with their history, and evidence
(minh chứng).

Everything measured is a `DataValue` of a `Metric` for one `OrgUnit` and one `Period`.
Values are written only through `chiso.metrics.services` (validation, permission, version
check and history in one transaction); nothing else calls `DataValue.save()`.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chiso.orgs.models import OrgUnit

from . import periods as P

DECIMAL = {"max_digits": 24, "decimal_places": 6, "null": True, "blank": True}


# --- periods -----------------------------------------------------------------------------
class PeriodManager(models.Manager):
    def for_code(self, code: str) -> Period:
        """The period for `code` (`2024`, `2024S1`, `2024Q3`, `2024-07`), created on first use.

        Raises `periods.PeriodError` (a ValueError with a Vietnamese message) for a bad code.
        """
        parsed = P.parse(code)
        period, _created = self.get_or_create(
            code=parsed.code,
            defaults={"kind": parsed.kind, "year": parsed.year, "number": parsed.number,
                      "start": parsed.start, "end": parsed.end})
        return period

    def for_codes(self, codes: list[str]) -> dict[str, Period]:
        return {code: self.for_code(code) for code in codes}


class Period(models.Model):
    class Kind(models.TextChoices):
        YEAR = P.YEAR, _("Năm")
        HALF = P.HALF, _("6 tháng")
        QUARTER = P.QUARTER, _("Quý")
        MONTH = P.MONTH, _("Tháng")

    code = models.CharField(_("mã kỳ"), max_length=10, unique=True)
    kind = models.CharField(_("loại kỳ"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveSmallIntegerField(_("số thứ tự trong năm"), default=1)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))

    objects = PeriodManager()

    class Meta:
        verbose_name = _("kỳ")
        verbose_name_plural = _("kỳ")
        ordering = ["start", "-end"]
        indexes = [models.Index(fields=["start", "end"])]

    def __str__(self) -> str:
        return self.label

    @property
    def parsed(self) -> P.ParsedPeriod:
        return P.ParsedPeriod(start=self.start, end=self.end, kind=self.kind, year=self.year,
                              number=self.number)

    @property
    def label(self) -> str:
        """Vietnamese label as written in reports: `Quý III/2024`, `6 tháng đầu năm 2024`."""
        if self.kind == P.YEAR:
            return _("Năm %(y)s") % {"y": self.year}
        if self.kind == P.HALF:
            return (_("6 tháng đầu năm %(y)s") if self.number == 1
                    else _("6 tháng cuối năm %(y)s")) % {"y": self.year}
        if self.kind == P.QUARTER:
            roman = ["I", "II", "III", "IV"][self.number - 1]
            return _("Quý %(q)s/%(y)s") % {"q": roman, "y": self.year}
        return _("Tháng %(m)s/%(y)s") % {"m": f"{self.number:02d}", "y": self.year}

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def sub_periods(self, kind: str) -> list[Period]:
        """The periods of `kind` inside this one (created if missing), in order."""
        return [Period.objects.for_code(p.code) for p in P.sub_periods(self.parsed, kind)]

    def within(self) -> models.QuerySet:
        """Every stored period inside this one (itself included)."""
        return Period.objects.filter(start__gte=self.start, end__lte=self.end)


# --- metrics -----------------------------------------------------------------------------
class Metric(models.Model):
    class ValueType(models.TextChoices):
        NUMBER = "number", _("Số")
        PERCENTAGE = "percentage", _("Tỷ lệ (tử số / mẫu số)")
        YES_NO = "yes_no", _("Có / Không")
        CHOICE = "choice", _("Lựa chọn theo mức")
        COUNT = "count", _("Số đếm")
        TEXT = "text", _("Văn bản")

    class Direction(models.IntegerChoices):
        HIGHER_IS_BETTER = 1, _("Càng cao càng tốt")
        LOWER_IS_BETTER = -1, _("Càng thấp càng tốt")

    class Rollup(models.TextChoices):
        """How values of several units make the value of the unit above them."""
        SUM = "sum", _("Cộng")
        RATIO = "ratio", _("Tỷ lệ của tổng (tổng tử số / tổng mẫu số)")
        MEAN = "mean", _("Trung bình")
        MIN = "min", _("Nhỏ nhất")
        MAX = "max", _("Lớn nhất")
        NONE = "none", _("Không tổng hợp")

    class TimeRollup(models.TextChoices):
        """How values of sub-periods (months of a year) make the value of the period.

        The issue lists "latest" among the roll-up rules; it only makes sense over time
        (a stock such as "units with a portal" at year end), so it lives here and not in
        `Rollup`, which combines units of the same period.
        """
        SUM = "sum", _("Cộng các kỳ")
        RATIO = "ratio", _("Tỷ lệ của tổng các kỳ")
        MEAN = "mean", _("Trung bình các kỳ")
        LATEST = "latest", _("Giá trị kỳ gần nhất")
        NONE = "none", _("Không tổng hợp theo thời gian")

    code = models.CharField(_("mã chỉ tiêu"), max_length=40, unique=True)
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    description = models.TextField(_("mô tả, cách tính"), blank=True)
    value_type = models.CharField(_("kiểu giá trị"), max_length=12, choices=ValueType.choices,
                                  default=ValueType.NUMBER)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    direction = models.SmallIntegerField(_("chiều tốt"), choices=Direction.choices,
                                         default=Direction.HIGHER_IS_BETTER)
    rollup = models.CharField(_("tổng hợp theo đơn vị"), max_length=8, choices=Rollup.choices,
                              default=Rollup.SUM)
    time_rollup = models.CharField(_("tổng hợp theo thời gian"), max_length=8,
                                   choices=TimeRollup.choices, default=TimeRollup.SUM)
    frequency = models.CharField(pgettext_lazy("reporting frequency", "kỳ báo cáo"), max_length=10, choices=Period.Kind.choices,
                                 default=Period.Kind.YEAR,
                                 help_text=_("Kỳ nhỏ nhất mà đơn vị báo cáo chỉ tiêu này."))
    min_value = models.DecimalField(_("giá trị nhỏ nhất cho phép"), **DECIMAL)
    max_value = models.DecimalField(_("giá trị lớn nhất cho phép"), **DECIMAL)
    decimals = models.PositiveSmallIntegerField(_("số chữ số thập phân"), default=0)
    evidence_required = models.BooleanField(_("bắt buộc minh chứng"), default=False)
    choices = models.JSONField(_("các mức lựa chọn"), default=list, blank=True,
                               help_text=_("Danh sách {\"code\": …, \"label\": …} cho chỉ tiêu "
                                           "kiểu lựa chọn."))
    reporting_kinds = models.JSONField(_("loại đơn vị báo cáo"), default=list, blank=True,
                                       help_text=_("Các loại đơn vị (OrgUnit.Kind) báo cáo "
                                                   "chỉ tiêu này."))
    numerator_label = models.CharField(_("tên tử số"), max_length=300, blank=True)
    denominator_label = models.CharField(_("tên mẫu số"), max_length=300, blank=True)
    source_note = models.CharField(_("nguồn, căn cứ"), max_length=300, blank=True)
    active = models.BooleanField(_("đang sử dụng"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True) | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
                name="metric_range_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    @property
    def is_percentage(self) -> bool:
        return self.value_type == self.ValueType.PERCENTAGE

    @property
    def uses_text(self) -> bool:
        return self.value_type in (self.ValueType.TEXT, self.ValueType.CHOICE)

    def choice_label(self, code: str) -> str:
        for choice in self.choices or []:
            if str(choice.get("code")) == code:
                return str(choice.get("label", code))
        return code

    def reported_by(self, unit: OrgUnit) -> bool:
        return unit.kind in (self.reporting_kinds or [])


# --- values ------------------------------------------------------------------------------
class Source(models.TextChoices):
    FORM = "form", _("Nhập trên biểu mẫu")
    EXCEL = "excel", _("Tệp Excel")
    CSV = "csv", _("Tệp CSV")
    API = "api", _("Kết nối API")
    COMPUTED = "computed", _("Tính toán")


class State(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Trả lại")
    ACCEPTED = "accepted", _("Đã chấp nhận")


class DataValue(models.Model):
    """One figure: metric × unit × period. Written only by `services.save_value`.

    `value` is what is shown and scored: the number itself; for a percentage
    100 × numerator / denominator (numerator and denominator are kept so that roll-ups
    can take the ratio of sums); 1/0 for yes/no; for a choice, the code is in `text`.
    `version` grows by one on every change: an editor sends back the version they saw,
    and a stale one is refused (optimistic concurrency, see `services.ConflictError`).
    """

    # No index of their own for metric and unit: the unique (metric, unit, period) and the
    # (unit, period) indexes below start with them, and every extra index is paid on each
    # of the 100,000 inserts of a large import.
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="values",
                               verbose_name=_("chỉ tiêu"), db_index=False)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="data_values",
                             verbose_name=_("đơn vị"), db_index=False)
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="values",
                               verbose_name=_("kỳ"))
    value = models.DecimalField(_("giá trị"), **DECIMAL)
    numerator = models.DecimalField(_("tử số"), **DECIMAL)
    denominator = models.DecimalField(_("mẫu số"), **DECIMAL)
    text = models.TextField(_("nội dung / mã lựa chọn"), blank=True)
    comment = models.TextField(_("ghi chú, giải trình"), blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices,
                              default=Source.FORM)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices,
                             default=State.DRAFT)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    is_illustrative = models.BooleanField(
        _("dữ liệu minh họa"), default=False,
        help_text=_("Số liệu sinh ra cho bản demo, không phải số liệu chính thức."))
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("người cập nhật"))
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("số liệu")
        verbose_name_plural = _("số liệu")
        constraints = [
            models.UniqueConstraint(fields=["metric", "unit", "period"],
                                    name="unique_data_value"),
        ]
        indexes = [
            # The roll-up reads one metric over a set of periods for many units.
            models.Index(fields=["metric", "period", "state"], name="datavalue_rollup_idx"),
            models.Index(fields=["unit", "period"], name="datavalue_unit_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.metric.code} · {self.unit} · {self.period.code}"

    def display(self) -> str:
        """The value as a person reads it: `93,4 %`, `1.234`, `Có`, a choice's label."""
        from chiso.lib.formatting import format_number, format_percent

        T = Metric.ValueType
        kind = self.metric.value_type
        if kind == T.PERCENTAGE:
            return format_percent(self.value, self.metric.decimals or 1)
        if kind == T.YES_NO:
            return "–" if self.value is None else str(_("Có") if self.value else _("Không"))
        if kind == T.CHOICE:
            return self.metric.choice_label(self.text) if self.text else "–"
        if kind == T.TEXT:
            return self.text or "–"
        return format_number(self.value, self.metric.decimals)

    def snapshot(self) -> dict:
        """The fields a change can touch, as JSON (for `DataValueChange`)."""
        def num(x):
            # "50", never "50.000000" or "5E+1": the same number always reads the same, so
            # an unchanged value is recognised as unchanged.
            return None if x is None else format(Decimal(str(x)).normalize(), "f")

        return {"value": num(self.value), "numerator": num(self.numerator),
                "denominator": num(self.denominator), "text": self.text,
                "comment": self.comment, "state": self.state}


class DataValueChange(models.Model):
    """One entry of a value's history: every save and every state change, never edited."""

    # Indexed by the unique (data_value, version) constraint below.
    data_value = models.ForeignKey(DataValue, on_delete=models.CASCADE, related_name="changes",
                                   verbose_name=_("số liệu"), db_index=False)
    version = models.PositiveIntegerField(_("phiên bản sau thay đổi"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("người thay đổi"))
    changed_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    old = models.JSONField(_("giá trị cũ"), null=True, blank=True)
    new = models.JSONField(_("giá trị mới"))
    reason = models.TextField(_("lý do"), blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices)
    old_state = models.CharField(_("trạng thái cũ"), max_length=10, choices=State.choices,
                                 blank=True)
    new_state = models.CharField(_("trạng thái mới"), max_length=10, choices=State.choices)

    class Meta:
        verbose_name = _("lịch sử số liệu")
        verbose_name_plural = _("lịch sử số liệu")
        ordering = ["data_value", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["data_value", "version"],
                                    name="unique_data_value_change_version"),
        ]

    def __str__(self) -> str:
        return f"{self.data_value_id} v{self.version}"

    FIELD_LABELS = {"value": _("Giá trị"), "numerator": _("Tử số"), "denominator": _("Mẫu số"),
                    "text": _("Nội dung"), "comment": _("Ghi chú")}

    @property
    def diff(self) -> list[dict]:
        """Changed fields with their labels (state changes are shown separately)."""
        old = self.old or {}
        return [{"field": k, "label": self.FIELD_LABELS[k], "old": old.get(k), "new": v}
                for k, v in (self.new or {}).items()
                if k in self.FIELD_LABELS and old.get(k) != v and (self.old is not None or v)]

    @property
    def changed_fields(self) -> list[str]:
        old = self.old or {}
        return [k for k, v in (self.new or {}).items() if old.get(k) != v]


# --- evidence ----------------------------------------------------------------------------
def evidence_path(instance: Evidence, filename: str) -> str:
    """`evidence/<unit id>/<random>/<random>.<ext>`: not guessable from anything a user
    knows, and the original name (kept in `original_name`) never reaches the disk."""
    ext = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{instance.unit_id or 0}/{secrets.token_hex(8)}/{secrets.token_urlsafe(24)}{ext}"


class Evidence(models.Model):
    """A file or a reference to a document, proving a value (or, later, a task update).

    `unit` is the unit whose data this proves: the download permission is decided on it.
    A value's evidence points to it through `data_value`; other owners (a task update
    of the `plans` app, which `metrics` may not import) use the generic `owner` link.
    """

    class Kind(models.TextChoices):
        FILE = "file", _("Tệp")
        LINK = "link", _("Liên kết / văn bản")

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="evidence",
                             verbose_name=_("đơn vị"))
    data_value = models.ForeignKey(DataValue, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="evidence", verbose_name=_("số liệu"))
    owner_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="+")
    owner_id = models.PositiveBigIntegerField(null=True, blank=True)
    owner = GenericForeignKey("owner_type", "owner_id")
    kind = models.CharField(_("loại minh chứng"), max_length=5, choices=Kind.choices)
    title = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    file = models.FileField(_("tệp"), upload_to=evidence_path, max_length=255, blank=True)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    mime_type = models.CharField(_("kiểu tệp"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    url = models.URLField(_("đường dẫn"), max_length=500, blank=True)
    document_number = models.CharField(_("số, ký hiệu văn bản"), max_length=100, blank=True)
    document_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("người tải lên"))
    uploaded_at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        ordering = ["-uploaded_at"]
        indexes = [models.Index(fields=["owner_type", "owner_id"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="file") & ~Q(file=""))
                | (Q(kind="link") & (~Q(url="") | ~Q(document_number=""))),
                name="evidence_has_content"),
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        """`Quyết định số 311/QĐ-UBND ngày 08/02/2023`, a file name, or a URL."""
        if self.kind == self.Kind.FILE:
            return self.title or self.original_name
        parts = [self.title] if self.title else []
        if self.document_number:
            parts.append(_("số %(n)s") % {"n": self.document_number})
        if self.document_date:
            parts.append(_("ngày %(d)s") % {"d": self.document_date.strftime("%d/%m/%Y")})
        return " ".join(str(p) for p in parts) or self.url


# --- import jobs -------------------------------------------------------------------------
def import_job_path(instance: ImportJob, filename: str) -> str:
    """`imports/<random>/<random>.<ext>`: outside anything served, not guessable; the
    original name is kept in `file_name` only."""
    ext = PurePath(filename).suffix.lower()[:10]
    return f"imports/{secrets.token_hex(8)}/{secrets.token_urlsafe(24)}{ext}"


class ImportJob(models.Model):
    """A file of values imported in the background (`chiso.metrics.jobs`), with how far it is.

    The uploaded file is kept under MEDIA_ROOT/imports/ only while the job needs it: it is
    deleted when the job ends (done, failed or found interrupted). `result` holds the
    counts and the first MAX_ERRORS problems (with `error_count`, all of them counted).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("đang chờ")
        RUNNING = "running", _("đang chạy")
        DONE = "done", _("đã xong")
        FAILED = "failed", _("bị từ chối")
        INTERRUPTED = "interrupted", _("bị gián đoạn")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("người tải lên"))
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("đơn vị"))
    file_name = models.CharField(_("tên tệp gốc"), max_length=255)
    file = models.FileField(_("tệp"), upload_to=import_job_path, max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    dry_run = models.BooleanField(_("chỉ kiểm tra"), default=False)
    state = models.CharField(_("tình trạng"), max_length=12, choices=State.choices,
                             default=State.QUEUED)
    phase = models.CharField(_("bước"), max_length=8, blank=True)  # intake's progress phase
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(_("kết quả"), default=dict, blank=True)
    created_at = models.DateTimeField(_("lúc tải lên"), default=timezone.now)
    started_at = models.DateTimeField(_("lúc bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("lúc kết thúc"), null=True, blank=True)
    # Touched with every progress report: a running job not touched for long has died.
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("việc nhập tệp")
        verbose_name_plural = _("việc nhập tệp")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "unit", "-created_at"]),
                   models.Index(fields=["state", "updated_at"])]

    def __str__(self) -> str:
        return self.file_name

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED, self.State.INTERRUPTED)
