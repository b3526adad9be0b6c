"""The entry form of one submission: its rows, and saving one field typed by a person.

Values are written only through `chiso.metrics.services.save_value` (validation, version
check, history). This module turns what the browser posts (Vietnamese-formatted numbers,
"1"/"0" for yes/no, a choice code) into the dict the service expects, and runs the
outlier check before saving: an outlier is kept only with a written explanation
("xác nhận và giải trình"), it is never simply refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.lib.dates import parse_date
from chiso.lib.formatting import format_number, format_percent
from chiso.metrics import evidence as evidence_service
from chiso.metrics import services as metric_services
from chiso.metrics.models import DataValue, Evidence, Metric, Source
from chiso.metrics.outliers import outlier_check
from chiso.metrics.validation import clean

from .models import RoundItem, RoundSection, Submission

T = Metric.ValueType
NUMBER_FIELDS = ("value", "numerator", "denominator")


@dataclass
class Row:
    item: RoundItem
    value: DataValue | None
    editable: bool
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def metric(self) -> Metric:
        return self.item.metric

    @property
    def version(self) -> int:
        return self.value.version if self.value else 0

    def shown(self, name: str) -> str:
        """The stored field as the person typed it: `1.234,5`, a choice code, text."""
        if self.value is None:
            return ""
        raw = getattr(self.value, name)
        if name in NUMBER_FIELDS:
            if raw is None:
                return ""
            return format_number(raw, 6, lang="vi", strip_zeros=True)
        return raw or ""

    @property
    def yes_no(self) -> str:
        if self.value is None or self.value.value is None:
            return ""
        return "1" if self.value.value == 1 else "0"

    @property
    def rate(self) -> str:
        if self.value is None or self.value.value is None:
            return ""
        return format_percent(self.value.value, 1, lang="vi")


@dataclass
class SectionRows:
    section: RoundSection
    rows: list[Row]
    review: object | None = None  # SectionReview, when reviewed


def build_rows(submission: Submission, sections: list[RoundSection],
               editable_ids: set[int]) -> list[SectionRows]:
    items = (RoundItem.objects.filter(round=submission.round_id, section__in=sections)
             .select_related("metric", "section"))
    values = {v.metric_id: v for v in DataValue.objects.filter(
        unit=submission.unit_id, period=submission.round.period_id,
        metric__in=[i.metric_id for i in items])}
    evidence: dict[int, list[Evidence]] = {}
    for ev in Evidence.objects.filter(data_value__in=list(values.values())):
        evidence.setdefault(ev.data_value_id, []).append(ev)
    reviews = {r.section_id: r for r in submission.reviews.select_related("reviewer")}
    out = {s.pk: SectionRows(s, [], reviews.get(s.pk)) for s in sections}
    for item in items:
        value = values.get(item.metric_id)
        out[item.section_id].rows.append(Row(
            item=item, value=value, editable=item.section_id in editable_ids,
            evidence=evidence.get(value.pk, []) if value else []))
    return [out[s.pk] for s in sections]


def row_for(submission: Submission, item: RoundItem, editable: bool) -> Row:
    value = DataValue.objects.filter(unit=submission.unit_id, period=submission.round.period_id,
                                     metric=item.metric_id).first()
    evidence = list(Evidence.objects.filter(data_value=value)) if value else []
    return Row(item=item, value=value, editable=editable, evidence=evidence)


def posted_data(metric: Metric, post) -> dict:
    """The service's dict from a POST of one row, as typed: `validation.clean` reads the
    numbers (the Vietnamese way first) and names the field of any it cannot read."""
    data: dict = {"comment": post.get("comment", "")}
    if metric.value_type == T.PERCENTAGE:
        data["numerator"] = post.get("numerator", "").strip()
        data["denominator"] = post.get("denominator", "").strip()
    elif metric.value_type in (T.NUMBER, T.COUNT):
        data["value"] = post.get("value", "").strip()
    elif metric.value_type == T.YES_NO:
        data["value"] = post.get("value", "")
    else:
        data["text"] = post.get("text", "")
    return data


@dataclass
class SaveResult:
    status: str  # saved, invalid, conflict, outlier
    value: DataValue | None = None
    messages: list[str] = field(default_factory=list)
    saved_at: str = ""


def save_field(submission: Submission, item: RoundItem, post, user) -> SaveResult:
    """Save one row typed in the form; never raises for what the person typed."""
    metric = item.metric
    data = posted_data(metric, post)
    try:
        version = int(post.get("version") or 0)
    except ValueError:
        return SaveResult("invalid", messages=[_("Phiên bản không hợp lệ; hãy tải lại trang.")])
    cleaned, issues = clean(metric, data)
    if issues:
        return SaveResult("invalid", messages=[i.message for i in issues])
    warnings = outlier_check(metric, submission.unit, submission.round.period, cleaned["value"])
    reason = ""
    if warnings:
        explanation = (post.get("explanation") or "").strip()
        if post.get("confirm_outlier") != "1" or not explanation:
            return SaveResult("outlier", messages=[w.message for w in warnings])
        data["comment"] = explanation
        reason = _("Xác nhận giá trị bất thường: %(e)s") % {"e": explanation}
    try:
        value = metric_services.save_value(
            metric, submission.unit, submission.round.period, data, user=user,
            source=Source.FORM, expected_version=version, reason=reason)
    except metric_services.ConflictError as exc:
        return SaveResult("conflict", value=exc.current, messages=[str(exc)])
    except metric_services.ValidationFailed as exc:
        return SaveResult("invalid", messages=[i.message for i in exc.issues])
    saved_at = timezone.localtime(value.updated_at).strftime("%H:%M")
    return SaveResult("saved", value=value, saved_at=saved_at)


def correct_value(submission: Submission, item: RoundItem, post, user) -> SaveResult:
    """A reviewer changes a sent value, with a reason kept in the value's history
    (`services.save_value` checks the review permission and the value's state)."""
    reason = (post.get("reason") or "").strip()
    if not reason:
        return SaveResult("invalid", messages=[_("Lý do hiệu chỉnh: chưa nhập.")])
    try:
        version = int(post.get("version") or 0)
    except ValueError:
        return SaveResult("invalid", messages=[_("Phiên bản không hợp lệ; hãy tải lại trang.")])
    data = posted_data(item.metric, post)
    try:
        value = metric_services.save_value(
            item.metric, submission.unit, submission.round.period, data, user=user,
            source=Source.FORM, expected_version=version,
            reason=_("Hiệu chỉnh khi thẩm định: %(r)s") % {"r": reason})
    except metric_services.ConflictError as exc:
        return SaveResult("conflict", value=exc.current, messages=[str(exc)])
    except metric_services.ValidationFailed as exc:
        return SaveResult("invalid", messages=[i.message for i in exc.issues])
    return SaveResult("saved", value=value)


# --- evidence -------------------------------------------------------------------------
def add_evidence(value: DataValue, upload: UploadedFile, user, title: str = "") -> Evidence:
    """Attach a file to a value through the metrics app's checks (type by content, size);
    raises ValueError (`EvidenceRejected`) with a Vietnamese message if refused."""
    return evidence_service.attach_file(upload, user=user, data_value=value, title=title)


def add_link(value: DataValue, user, *, number: str, url: str, day: str,
             title: str = "") -> Evidence:
    """A document reference ("311/QĐ-UBND" of 08/02/2023) or a link; ValueError if bad."""
    try:
        document_date = parse_date(day)
    except ValueError as err:
        raise ValueError(_("Ngày văn bản: %(e)s") % {"e": err}) from None
    return evidence_service.attach_link(user=user, data_value=value, title=title,
                                        url=url, document_number=number,
                                        document_date=document_date)
