"""DTI assessments: frameworks in the database, assessments built on reporting rounds,
each unit's component entries (self-assessed, appraised, final points), and results.

A `Framework` is a graph, not a tree: the foundation main indices of the provincial DTI
count in all three pillars (DTI.md), so a `FrameworkNode` may have several parents. The
engine (`chiso.index`) computes everything; these models only hold what it reads
(frameworks, declared figures, points) and what it writes (`Result`).

Three points are kept per component (DTI.md, "The assessment workflow"): what the unit
gave itself (`self_points`), what the appraiser decided (`appraised_points`, with a
reason), and the final points (`final_points` = appraised if appraised, else self).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chiso.orgs.models import OrgUnit

TOTAL_CODE = "DTI"  # the code of a framework's total node, as in chiso.index.dti


class Scope(models.TextChoices):
    """What a framework measures (and so which published results it compares with)."""
    PROVINCIAL_DTI = "provincial_dti", _("DTI cấp tỉnh")
    MINISTRY_DTI = "ministry_dti", _("DTI cấp bộ")
    NATIONAL_DTI = "national_dti", _("DTI quốc gia")
    AGENCY_INDEX = "agency_index", _("Chỉ số CĐS sở, ban, ngành")
    DISTRICT_INDEX = "district_index", _("Chỉ số CĐS cấp huyện")
    COMMUNE_INDEX = "commune_index", _("Chỉ số CĐS cấp xã")
    LOCAL_INDEX = "local_index", _("Chỉ số CĐS của tỉnh (sở, ngành và xã)")


# --- frameworks --------------------------------------------------------------------------
class Framework(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        IN_FORCE = "in_force", _("Đang áp dụng")

    code = models.CharField(_("mã bộ chỉ số"), max_length=40,
                            help_text=_("Ví dụ DTI_TINH, QN_DTI; cùng mã cho các năm."))
    name = models.CharField(_("tên bộ chỉ số"), max_length=300)
    year = models.PositiveSmallIntegerField(_("năm áp dụng"))
    scope = models.CharField(_("phạm vi"), max_length=20, choices=Scope.choices)
    version = models.CharField(_("phiên bản"), max_length=40, blank=True)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True,
                                   help_text=_("Ví dụ Quyết định 922/QĐ-BTTTT ngày 20/5/2022."))
    description = models.TextField(_("mô tả"), blank=True)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices,
                             default=State.DRAFT)
    owner = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="frameworks", verbose_name=_("đơn vị ban hành"))
    cloned_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="clones", verbose_name=_("sao chép từ"))
    # Bands for classification (a chiso.index.ranking.BandScheme.from_dict spec), e.g.
    # {"bands": [{"label": "Tốt", "min": 0.8}, {"label": "Khá", "min": 0.5}],
    #  "below": "Trung bình"}; empty: no bands.
    bands = models.JSONField(_("phân loại mức"), default=dict, blank=True)
    decimals = models.PositiveSmallIntegerField(
        _("số chữ số thập phân khi công bố"), default=4,
        help_text=_("Giá trị được làm tròn đến số chữ số này trước khi xếp hạng."))
    is_illustrative = models.BooleanField(
        _("dữ liệu minh họa"), default=False,
        help_text=_("Nội dung bộ chỉ số được dựng cho bản demo, không phải văn bản chính thức."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("người tạo"))
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("bộ chỉ số")
        verbose_name_plural = _("bộ chỉ số")
        ordering = ["-year", "code"]
        constraints = [models.UniqueConstraint(fields=["code", "year"],
                                               name="unique_framework_code_year")]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class FrameworkNode(models.Model):
    """A node of a framework: the total, a pillar, a main index or a component.

    Points flow from components to their parents: a main index's value is its earned
    points over its (applicable) max, a pillar's and the total's likewise over their
    children. Only components carry a scoring `rule` (a chiso.index.rules spec dict,
    the engine's `Rule.to_dict()` form) and `declared` inputs.
    """

    class Kind(models.TextChoices):
        TOTAL = "total", _("Chỉ số tổng hợp")
        PILLAR = "pillar", _("Trụ cột")
        MAIN = "main", _("Chỉ số chính")
        COMPONENT = "component", _("Chỉ số thành phần")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="nodes")
    code = models.CharField(_("mã"), max_length=40, help_text=_("Ví dụ 1.1, NT, CQS, DTI."))
    name = models.CharField(_("tên"), max_length=500)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    parents = models.ManyToManyField("self", symmetrical=False, blank=True,
                                     related_name="children", verbose_name=_("thuộc"))
    max_points = models.FloatField(_("điểm tối đa"), default=0)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    # How the component is scored: a rule spec for chiso.index.rules.parse_rule, e.g.
    # {"kind": "steps", "max": 20, "inputs": {"value": "so_cuoc_hop"}, "steps": [[4, 20]]}.
    rule = models.JSONField(_("cách tính điểm"), default=dict, blank=True)
    # What the unit declares, one dict per input the rule reads:
    # {"name": "a", "label": "Số cuộc họp do Chủ tịch chủ trì", "type": "number"}
    # (type: number, choice with "choices": [{"code", "label"}], yes_no).
    declared = models.JSONField(_("số liệu kê khai"), default=list, blank=True)
    description = models.TextField(_("cách xác định"), blank=True)
    evidence_required = models.TextField(_("tài liệu kiểm chứng"), blank=True)
    data_source = models.CharField(_("nguồn dữ liệu"), max_length=300, blank=True)
    verifying_unit = models.CharField(_("đơn vị thẩm định"), max_length=300, blank=True)
    applies_to = models.JSONField(
        _("áp dụng cho loại đơn vị"), default=list, blank=True,
        help_text=_("Các loại đơn vị (OrgUnit.Kind); để trống: mọi đơn vị."))
    metric = models.ForeignKey("metrics.Metric", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="framework_nodes",
                               verbose_name=_("chỉ tiêu cung cấp số liệu"),
                               help_text=_("Số liệu đã thu thập của chỉ tiêu này điền sẵn "
                                           "vào thành phần."))

    class Meta:
        verbose_name = _("nút bộ chỉ số")
        verbose_name_plural = _("nút bộ chỉ số")
        ordering = ["framework", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_node_code"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="node_max_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    @property
    def is_component(self) -> bool:
        return self.kind == self.Kind.COMPONENT

    def applies_to_kind(self, kind: str) -> bool:
        return not self.applies_to or kind in self.applies_to


# --- assessments -------------------------------------------------------------------------
class Assessment(models.Model):
    """A framework applied to a set of units for a year.

    The units, the opening date, the deadline and each unit's draft → submitted →
    returned / accepted → locked state are the `round`'s (chiso.rounds); the assessment
    adds what is particular to scoring: groups for ranking, the state of the results and
    the assessment of the previous year to compare with.
    """

    class State(models.TextChoices):
        PROVISIONAL = "provisional", _("Tạm tính")
        PUBLISHED = "published", _("Đã công bố")

    class Visibility(models.TextChoices):
        """Who may read the results once published."""
        OWNER = "owner", _("Chỉ lãnh đạo, thường trực")
        UNITS = "units", _("Các đơn vị được đánh giá")
        PUBLIC = "public", _("Công khai")

    name = models.CharField(_("tên kỳ đánh giá"), max_length=300)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT,
                                  related_name="assessments", verbose_name=_("bộ chỉ số"))
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    owner = models.ForeignKey(OrgUnit, on_delete=models.PROTECT,
                              related_name="owned_assessments", verbose_name=_("đơn vị chủ trì"))
    round = models.OneToOneField("rounds.ReportingRound", on_delete=models.PROTECT,
                                 related_name="assessment", verbose_name=pgettext_lazy("reporting round",
                                                                    "kỳ báo cáo"))
    previous = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("kỳ đánh giá năm trước"))
    # Ranking groups: [{"code": "so", "label": "Sở, ban, ngành",
    #   "kinds": ["department", "board"], "units": ["QN-VP"], "ranked": true}, ...].
    # A unit goes to the first group naming its code in "units", else the first naming its
    # kind; a group with "ranked": false (or a unit in no group) is scored but not ranked
    # within a group. Empty: one group, everyone ranked together.
    groups = models.JSONField(_("nhóm xếp hạng"), default=list, blank=True)
    state = models.CharField(_("trạng thái kết quả"), max_length=12, choices=State.choices,
                             default=State.PROVISIONAL)
    visibility = models.CharField(_("phạm vi công bố"), max_length=8,
                                  choices=Visibility.choices, default=Visibility.UNITS)
    scored_at = models.DateTimeField(_("tính điểm lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("người công bố"))
    is_illustrative = models.BooleanField(_("dữ liệu minh họa"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class ComponentEntry(models.Model):
    """One unit's answer for one component: declared figures, explanation and points.

    Evidence files are `metrics.Evidence` rows whose generic `owner` is this entry.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="entries")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="dti_entries",
                             verbose_name=_("đơn vị"))
    node = models.ForeignKey(FrameworkNode, on_delete=models.PROTECT, related_name="entries",
                             verbose_name=_("chỉ số thành phần"))
    declared = models.JSONField(_("số liệu kê khai"), default=dict, blank=True)
    explanation = models.TextField(_("giải trình"), blank=True)
    not_applicable = models.BooleanField(_("không áp dụng"), default=False)
    self_points = models.FloatField(_("điểm tự đánh giá"), null=True, blank=True)
    appraised_points = models.FloatField(_("điểm thẩm định"), null=True, blank=True)
    appraisal_reason = models.TextField(_("lý do điều chỉnh"), blank=True)
    appraised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("người thẩm định"))
    appraised_at = models.DateTimeField(_("thẩm định lúc"), null=True, blank=True)
    # Stored (not computed on read) so that scoring reads one column for 340,000 rows.
    final_points = models.FloatField(_("điểm chính thức"), null=True, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    is_illustrative = models.BooleanField(
        _("dữ liệu minh họa"), default=False,
        help_text=_("Số liệu sinh ra cho bản demo, không phải số liệu chính thức."))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("người cập nhật"))
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)

    evidence = GenericRelation("metrics.Evidence", content_type_field="owner_type",
                               object_id_field="owner_id")

    class Meta:
        verbose_name = _("điểm thành phần của đơn vị")
        verbose_name_plural = _("điểm thành phần của đơn vị")
        ordering = ["assessment", "unit", "node__order"]
        constraints = [models.UniqueConstraint(fields=["assessment", "unit", "node"],
                                               name="unique_component_entry")]

    def __str__(self) -> str:
        return f"{self.assessment_id} · {self.unit_id} · {self.node_id}"

    @staticmethod
    def final_of(self_points: float | None, appraised_points: float | None) -> float | None:
        return appraised_points if appraised_points is not None else self_points

    def refresh_final(self) -> None:
        """Set `final_points` from the other two (call before saving)."""
        self.final_points = self.final_of(self.self_points, self.appraised_points)

    def save(self, *args, **kwargs) -> None:
        self.refresh_final()
        super().save(*args, **kwargs)


class AppraiserAssignment(models.Model):
    """An appraiser (thẩm định) assigned to a group of components of an assessment: the
    nodes listed and, for a main index or pillar, every component under it. No nodes:
    the whole framework."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE,
                                   related_name="appraisers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="dti_appraisals", verbose_name=_("người thẩm định"))
    nodes = models.ManyToManyField(FrameworkNode, blank=True, related_name="+",
                                   verbose_name=_("nhóm chỉ số được giao"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("phân công thẩm định chỉ số")
        verbose_name_plural = _("phân công thẩm định chỉ số")
        constraints = [models.UniqueConstraint(fields=["assessment", "user"],
                                               name="unique_appraiser_assignment")]

    def __str__(self) -> str:
        return f"{self.assessment} – {self.user}"


class Result(models.Model):
    """A computed figure of one unit for one node (main index, pillar, total; components
    too): written in bulk by `chiso.assessments.scoring`, read by the pages."""

    class Origin(models.TextChoices):
        SCORED = "scored", _("Tính từ điểm thành phần")
        MERGED = "merged", _("Trung bình các đơn vị tiền thân")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="dti_results",
                             verbose_name=_("đơn vị"))
    node = models.ForeignKey(FrameworkNode, on_delete=models.CASCADE, related_name="results",
                             verbose_name=_("chỉ số"))
    origin = models.CharField(_("nguồn"), max_length=8, choices=Origin.choices,
                              default=Origin.SCORED)
    score = models.FloatField(_("giá trị"), null=True, blank=True)  # 0..1
    points = models.FloatField(_("điểm"), null=True, blank=True)
    max_points = models.FloatField(_("điểm tối đa áp dụng"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("xếp hạng"), null=True, blank=True)
    group = models.CharField(_("nhóm"), max_length=40, blank=True)
    rank_in_group = models.PositiveIntegerField(_("xếp hạng trong nhóm"), null=True, blank=True)
    band = models.CharField(_("mức"), max_length=60, blank=True)
    previous_score = models.FloatField(_("giá trị năm trước"), null=True, blank=True)
    previous_rank = models.PositiveIntegerField(_("xếp hạng năm trước"), null=True, blank=True)
    change = models.FloatField(_("thay đổi giá trị"), null=True, blank=True)
    # Places gained against last year: positive = moved up ("tăng 2 bậc").
    places = models.IntegerField(_("thay đổi thứ hạng"), null=True, blank=True)
    # Some of the unit's entries are illustrative (demo data), so the figure is too.
    is_illustrative = models.BooleanField(_("dữ liệu minh họa"), default=False)

    class Meta:
        verbose_name = _("kết quả đánh giá")
        verbose_name_plural = _("kết quả đánh giá")
        constraints = [models.UniqueConstraint(fields=["assessment", "unit", "node"],
                                               name="unique_result")]
        indexes = [models.Index(fields=["assessment", "node", "rank"]),
                   # The ranking page: one origin (scored / merged) of a few nodes.
                   models.Index(fields=["assessment", "origin", "node"],
                                name="result_origin_node_idx")]

    def __str__(self) -> str:
        return f"{self.assessment_id} · {self.unit_id} · {self.node_id}: {self.score}"

    @property
    def places_lost(self) -> int:
        """Places lost since last year (a positive number; 0 if none), for plural forms."""
        return -self.places if self.places and self.places < 0 else 0


class PublishedResult(models.Model):
    """An official figure published without component data (DTI 2020–2022 of provinces,
    say), so that history and "tăng 2 bậc" work before any assessment is run here."""

    year = models.PositiveSmallIntegerField(_("năm"))
    scope = models.CharField(_("phạm vi"), max_length=20, choices=Scope.choices)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="published_results",
                             verbose_name=_("đơn vị"))
    node_code = models.CharField(_("mã chỉ số"), max_length=40, default=TOTAL_CODE,
                                 help_text=_("DTI cho chỉ số tổng hợp, hoặc mã trụ cột / "
                                             "chỉ số chính (CQS, NT…)."))
    node_name = models.CharField(_("tên chỉ số"), max_length=300, blank=True)
    value = models.FloatField(_("giá trị"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("xếp hạng"), null=True, blank=True)
    rank_of = models.PositiveIntegerField(_("trên tổng số"), null=True, blank=True)
    group = models.CharField(_("nhóm"), max_length=40, blank=True)
    source_note = models.CharField(_("nguồn"), max_length=300, blank=True)
    is_illustrative = models.BooleanField(_("dữ liệu minh họa"), default=False)

    class Meta:
        verbose_name = _("kết quả đã công bố")
        verbose_name_plural = _("kết quả đã công bố")
        ordering = ["-year", "scope", "node_code", "rank"]
        constraints = [models.UniqueConstraint(fields=["year", "scope", "unit", "node_code"],
                                               name="unique_published_result")]

    def __str__(self) -> str:
        return f"{self.year} {self.node_code} {self.unit}: {self.value}"


class ImprovementLink(models.Model):
    """A weak component turned into a task for the responsible agency.

    The plans app will own tasks; until it exists the request is stored here, and
    `task_id` will hold the task once it is created, so nothing is lost.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE,
                                   related_name="improvements")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("đơn vị được đánh giá"))
    node = models.ForeignKey(FrameworkNode, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("chỉ số thành phần"))
    target_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("đơn vị chủ trì thực hiện"))
    points_gap = models.FloatField(_("điểm cần tăng"), null=True, blank=True)
    note = models.TextField(_("nội dung"), blank=True)
    task_id = models.PositiveBigIntegerField(_("nhiệm vụ đã tạo"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("người tạo"))
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("đề xuất nhiệm vụ cải thiện")
        verbose_name_plural = _("đề xuất nhiệm vụ cải thiện")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["assessment", "unit", "node"],
                                               name="unique_improvement_link")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.node.code} → {self.target_unit}"
