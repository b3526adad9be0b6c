from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chiso.metrics.models import Metric, Period
from chiso.metrics.periods import PeriodError
from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from . import workflow
from .models import ReportingRound, ReviewerAssignment, RoundSection

# Kinds that are never "under" a province's secretariat: not offered as recipients.
TOP_KINDS = {OrgUnit.Kind.NATION, OrgUnit.Kind.PROVINCE, OrgUnit.Kind.CENTRAL_CITY,
             OrgUnit.Kind.MINISTRY}
DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy",
                                                        "inputmode": "numeric", "size": 10})
LINE_RE = re.compile(r"^(?P<code>[\w.\-]+)\s*(?P<optional>\?)?$")
FORM_SPEC_HELP = _("Mỗi dòng “# Tên phần” mở một phần mới; các dòng tiếp theo là mã chỉ tiêu "
                   "(thêm dấu ? ở cuối nếu không bắt buộc).")


def top_managed_units(user):
    """The units the user manages that are not under another one they manage: the
    secretariat's own units (a round is owned by the province, not a commune of it)."""
    managed = permissions.units_for(user, "manage").current()
    ids = set(managed.values_list("pk", flat=True))
    return managed.exclude(parent__in=ids).order_by("path")


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Tên kỳ báo cáo"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Đơn vị chủ trì"), queryset=OrgUnit.objects.none())
    period = forms.CharField(label=_("Kỳ số liệu"), max_length=10,
                             help_text=_("Ví dụ: 2026, 2026S2, 2026Q4, 2026-11"))
    opens_on = forms.DateField(label=_("Ngày mở"), widget=DATE_WIDGET)
    deadline = forms.DateField(label=_("Hạn nộp"), widget=DATE_WIDGET)
    requires_head_approval = forms.BooleanField(
        label=_("Thủ trưởng đơn vị phê duyệt trước khi gửi"), required=False)
    target_kinds = forms.MultipleChoiceField(
        label=_("Gửi tới mọi đơn vị loại"), required=False, choices=[
            (k.value, k.label) for k in OrgUnit.Kind if k not in TOP_KINDS],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("thuộc đơn vị chủ trì (ví dụ: mọi xã, phường, đặc khu)."))
    extra_units = forms.ModelMultipleChoiceField(
        label=_("Và các đơn vị cụ thể"), required=False, queryset=OrgUnit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}))
    form_spec = forms.CharField(label=_("Biểu mẫu"), widget=forms.Textarea(attrs={"rows": 10}),
                                help_text=FORM_SPEC_HELP)
    instructions = forms.CharField(label=_("Hướng dẫn"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        owners = top_managed_units(user)
        self.fields["owner"].queryset = owners
        if len(owners) == 1:
            self.fields["owner"].initial = owners[0].pk
        self.fields["extra_units"].queryset = (permissions.units_for(user, "manage").current()
                                               .order_by("path"))

    def clean_period(self) -> Period:
        try:
            return Period.objects.for_code(self.cleaned_data["period"])
        except PeriodError as err:
            raise forms.ValidationError(str(err)) from None

    def clean_form_spec(self) -> list[tuple[str, list[tuple[Metric, bool]]]]:
        sections: list[tuple[str, list[tuple[Metric, bool]]]] = []
        metrics = {m.code.upper(): m for m in Metric.objects.filter(active=True)}
        seen: set[str] = set()
        errors = []
        for number, line in enumerate(self.cleaned_data["form_spec"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            if line.startswith("#"):
                sections.append((line.lstrip("#").strip() or _("Phần %(n)d") % {
                    "n": len(sections) + 1}, []))
                continue
            match = LINE_RE.match(line)
            code = match.group("code").upper() if match else ""
            if not match or code not in metrics:
                errors.append(_("Dòng %(n)d: không có chỉ tiêu mã “%(c)s”.") % {"n": number,
                                                                              "c": line})
                continue
            if code in seen:
                errors.append(_("Dòng %(n)d: chỉ tiêu %(c)s đã có trong biểu mẫu.")
                              % {"n": number, "c": code})
                continue
            seen.add(code)
            if not sections:
                sections.append((str(_("Phần 1")), []))
            sections[-1][1].append((metrics[code], not match.group("optional")))
        if errors:
            raise forms.ValidationError(errors)
        if not seen:
            raise forms.ValidationError(_("Biểu mẫu cần ít nhất một chỉ tiêu."))
        return [s for s in sections if s[1]]

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("deadline") and data["deadline"] < data["opens_on"]:
            self.add_error("deadline", _("Hạn nộp phải sau ngày mở."))
        if not data.get("target_kinds") and not data.get("extra_units"):
            self.add_error("target_kinds", _("Chọn ít nhất một loại đơn vị hoặc một đơn vị."))
        return data

    @transaction.atomic
    def save(self) -> ReportingRound:
        d = self.cleaned_data
        return workflow.create_round(
            name=d["name"], owner=d["owner"], period=d["period"], opens_on=d["opens_on"],
            deadline=d["deadline"], form=d["form_spec"], target_kinds=d["target_kinds"],
            extra_units=d["extra_units"], requires_head_approval=d["requires_head_approval"],
            instructions=d["instructions"], created_by=self.user)


class RoundEditForm(RoundForm):
    """Editing a round: the creation form without owner and period (a round's identity),
    with recipients as additions; `workflow.update_round` applies the rules."""

    def __init__(self, *args, round: ReportingRound, **kwargs):
        self.round = round
        initial = {"name": round.name, "opens_on": round.opens_on, "deadline": round.deadline,
                   "requires_head_approval": round.requires_head_approval,
                   "instructions": round.instructions, "form_spec": form_spec_of(round)}
        super().__init__(*args, initial=initial, **kwargs)
        del self.fields["owner"], self.fields["period"]
        self.fields["target_kinds"].label = _("Thêm mọi đơn vị loại")
        self.fields["extra_units"].label = _("Thêm các đơn vị cụ thể")
        if workflow.has_sent_data(round):
            self.fields["opens_on"].disabled = True
            self.fields["form_spec"].help_text = _(
                "Đã có đơn vị gửi biểu mẫu: chỉ được thêm chỉ tiêu (vào phần mới hoặc phần "
                "có sẵn), không được bỏ hay chuyển phần chỉ tiêu đã có.")

    def clean(self):
        data = forms.Form.clean(self)
        if data.get("opens_on") and data.get("deadline") and data["deadline"] < data["opens_on"]:
            self.add_error("deadline", _("Hạn nộp phải sau ngày mở."))
        return data

    def save(self) -> ReportingRound:
        d = self.cleaned_data
        return workflow.update_round(
            self.round, self.user, name=d["name"], instructions=d["instructions"],
            opens_on=d["opens_on"], deadline=d["deadline"],
            requires_head_approval=d["requires_head_approval"], form=d["form_spec"],
            add_kinds=d["target_kinds"], add_units=d["extra_units"])


def form_spec_of(round: ReportingRound) -> str:
    """The round's form in the text the creation page uses ("# section", codes, "?")."""
    lines = []
    for section in round.sections.prefetch_related("items__metric"):
        lines.append(f"# {section.title}")
        lines += [f"{i.metric.code}{'' if i.required else '?'}"
                  for i in sorted(section.items.all(), key=lambda i: i.order)]
    return "\n".join(lines)


def default_form_spec() -> str:
    """A starting form: every active metric, one section per value type."""
    lines = []
    for label, kinds in ((_("Số liệu"), (Metric.ValueType.NUMBER, Metric.ValueType.COUNT)),
                         (_("Tỷ lệ"), (Metric.ValueType.PERCENTAGE,)),
                         (_("Đánh giá"), (Metric.ValueType.YES_NO, Metric.ValueType.CHOICE,
                                          Metric.ValueType.TEXT))):
        codes = list(Metric.objects.filter(active=True, value_type__in=kinds)
                     .values_list("code", flat=True)[:12])
        if codes:
            lines.append(f"# {label}")
            lines.extend(codes)
    return "\n".join(lines)


class ReopenForm(forms.Form):
    new_deadline = forms.DateField(label=_("Hạn nộp mới"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Lý do mở lại"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_new_deadline(self) -> dt.date:
        day = self.cleaned_data["new_deadline"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("Hạn nộp mới phải từ hôm nay trở đi."))
        return day


class AssignmentForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Người thẩm định"),
                                      queryset=get_user_model().objects.none())
    section = forms.ModelChoiceField(label=_("Phần"), required=False,
                                     queryset=RoundSection.objects.none(),
                                     empty_label=_("Toàn bộ biểu mẫu"))

    def __init__(self, *args, round: ReportingRound, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round
        User = get_user_model()
        candidates = permissions.with_memberships(
            User.objects.filter(memberships__unit__path__startswith=round.owner.path,
                                is_active=True).distinct().order_by("username"))
        ids = [u.pk for u in candidates if permissions.can(u, "review", round.owner)]
        self.fields["reviewer"].queryset = User.objects.filter(pk__in=ids).order_by("username")
        self.fields["reviewer"].label_from_instance = (
            lambda u: f"{u.get_full_name() or u.username} ({u.username})")
        self.fields["section"].queryset = round.sections.all()

    def save(self) -> ReviewerAssignment:
        d = self.cleaned_data
        return ReviewerAssignment.objects.get_or_create(round=self.round, reviewer=d["reviewer"],
                                                        section=d["section"])[0]
