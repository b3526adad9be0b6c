"""Pages for getting plans in and keeping them up to date: each unit's to-do list, who is
silent, pasting or uploading a plan's targets and tasks, copying a plan to next year.

Permissions come from `chiso.orgs.permissions` only: a unit's list is seen by whoever may
view that unit (its own people, and the province's secretariat, leaders and reviewers);
plans are filled in and copied only by those who manage the plan's owner.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from chiso.lib.formatting import format_date, format_number
from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from . import access, excel_template, inbox, paste
from . import copy as plan_copy_module
from .models import Plan


class PlanForm(forms.ModelForm):
    document_url = forms.URLField(label=gettext_lazy("Đường dẫn văn bản"), required=False,
                                  max_length=500, assume_scheme="https")

    class Meta:
        model = Plan
        fields = ["kind", "number", "title", "issuer", "owner", "signed_on", "start_year",
                  "end_year", "status", "parent", "report_frequency", "document",
                  "document_url", "summary"]
        widgets = {"signed_on": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
                   "title": forms.Textarea(attrs={"rows": 2}),
                   "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        managed = permissions.units_for(user, "manage").order_by("path")
        # The owner is a unit the secretariat manages; the issuer may sit above it (a
        # province's People's Committee issues the plan its Sở KH&CN follows).
        self.fields["owner"].queryset = managed
        self.fields["issuer"].queryset = OrgUnit.objects.filter(
            pk__in=[*managed.values_list("pk", flat=True),
                    *{a for u in managed for a in u.ancestor_ids()}]).order_by("path")
        self.fields["parent"].queryset = access.visible_plans(user).order_by("-start_year")
        self.fields["signed_on"].input_formats = ["%d/%m/%Y"]

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("Năm kết thúc phải từ năm bắt đầu trở đi."))
        number, issuer = data.get("number"), data.get("issuer")
        if number and issuer and Plan.objects.filter(issuer=issuer, number=number).exists():
            self.add_error("number", _("%(i)s đã có văn bản số %(n)s.") % {
                "i": issuer.name, "n": number})
        return data


class UploadForm(forms.Form):
    tep = forms.FileField(label=gettext_lazy("Tệp Excel theo mẫu (.xlsx)"))


# --- inbox ------------------------------------------------------------------------------
def _own_units(user) -> list[OrgUnit]:
    """The units the user works for (their memberships), each once, in tree order."""
    seen: dict[int, OrgUnit] = {}
    for m in permissions.memberships(user):
        seen.setdefault(m.unit_id, m.unit)
    return sorted(seen.values(), key=lambda u: u.path)


@login_required
def my_inbox(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    units = _own_units(request.user)
    by_unit = inbox.items_by_unit(today, units)
    sections = [{"unit": u, "items": by_unit.get(u.pk, [])} for u in units]
    return render(request, "plans/intake/inbox.html", {
        "sections": sections, "today": today,
        "can_see_silent": bool(_silent_areas(request.user)),
    })


@login_required
@permissions.unit_permission("view")
def unit_inbox(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "plans/intake/inbox.html", {
        "sections": [{"unit": unit, "items": inbox.items_for_unit(unit, today)}],
        "today": today, "one_unit": unit,
    })


def _silent_areas(user) -> list[OrgUnit]:
    """Units whose whole subtree the user follows (secretariat, leaders, reviewers)."""
    areas = {m.unit_id: m.unit for m in permissions.memberships(user)
             if m.role in permissions.SUBTREE_ROLES}
    if user.is_superuser and not areas:
        areas = {u.pk: u for u in OrgUnit.objects.filter(parent__isnull=True)}
    # A unit inside another of the user's areas adds nothing.
    return sorted((u for u in areas.values()
                   if not any(o.pk != u.pk and u.path.startswith(o.path) for o in areas.values())),
                  key=lambda u: u.path)


@login_required
def silent(request: HttpRequest) -> HttpResponse:
    areas = _silent_areas(request.user)
    if not areas:
        raise PermissionDenied(_("Chỉ cơ quan thường trực, lãnh đạo và tổ thẩm định xem được "
                                 "trang này."))
    code = request.GET.get("don_vi")
    area = areas[0]
    if code:
        area = get_object_or_404(OrgUnit, code=code)
        if not any(area.path.startswith(a.path) for a in areas):
            raise PermissionDenied(_("Bạn không theo dõi đơn vị này."))
    today = timezone.localdate()
    return render(request, "plans/intake/silent.html", {
        "area": area, "areas": areas, "rows": inbox.silent_units(area, today), "today": today,
    })


# --- entering a plan ----------------------------------------------------------------------
def _managed_plan(request: HttpRequest, pk: int) -> Plan:
    """The plan, for those who manage its owner (the secretariat); 403 for anyone else."""
    plan = get_object_or_404(Plan.objects.select_related("owner", "issuer"), pk=pk)
    if not access.can_manage_plan(request.user, plan):
        raise PermissionDenied(_("Chỉ cơ quan thường trực quản lý kế hoạch này được nhập "
                                 "chỉ tiêu, nhiệm vụ."))
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    managed = permissions.units_for(request.user, "manage")
    if not managed.exists():
        raise PermissionDenied(_("Chỉ cơ quan thường trực được tạo kế hoạch."))
    form = PlanForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        plan = form.save(commit=False)
        plan.created_by = request.user
        plan.save()
        messages.success(request, _("Đã tạo kế hoạch. Nhập chỉ tiêu, nhiệm vụ bằng cách dán "
                                    "bảng hoặc tải lên tệp Excel theo mẫu."))
        return redirect("plans_paste", plan.pk)
    return render(request, "plans/intake/plan_form.html", {"form": form})


def _preview(tables: list[paste.ParsedTable]) -> list[dict]:
    return [preview_grid(t) for t in tables]


def preview_grid(table: paste.ParsedTable) -> dict:
    """A parsed table as headers and rows of display text (what will be written)."""
    def units(us):
        return "; ".join(u.display_name for u in us)

    if table.kind == paste.TARGETS:
        headers = [_("STT"), _("Nội dung chỉ tiêu"), _("Trụ cột, lĩnh vực"), _("Chủ trì"),
                   _("Chỉ tiêu đo"), _("So sánh")]
        headers += [paste._column_label(table.kind, key) for key in table.value_columns]
        rows = []
        for r in table.rows:
            d = r.data
            cells = [d.get("code", ""), d.get("statement", ""), d.get("pillar", ""),
                     d["lead"].display_name if d.get("lead") else "",
                     d["metric"].code if d.get("metric") else "",
                     paste.COMPARISON_SYMBOLS.get(d.get("comparison"), "")]
            cells += [format_number(d.get("values", {}).get(key), 2, strip_zeros=True)
                      if key in d.get("values", {}) else "" for key in table.value_columns]
            rows.append({"row": r.row, "cells": cells})
    else:
        headers = [_("STT"), _("Nội dung nhiệm vụ"), _("Nhóm giải pháp"), _("Chủ trì"),
                   _("Phối hợp"), _("Sản phẩm"), _("Bắt đầu"), _("Hạn hoàn thành"),
                   _("Chỉ tiêu phục vụ")]
        rows = []
        for r in table.rows:
            d = r.data
            due = d.get("due")
            rows.append({"row": r.row, "cells": [
                d.get("code", ""), d.get("description", ""), d.get("group_title", ""),
                d["lead"].display_name if d.get("lead") else "",
                units(d.get("coordinating", [])), d.get("deliverable", ""),
                format_date(d["start"]) if d.get("start") else "",
                format_date(due) if due else (_("Thường xuyên") if "due" in d else ""),
                ", ".join(d.get("target_codes", []))]})
    title = (_("Chỉ tiêu") if table.kind == paste.TARGETS else _("Nhiệm vụ"))
    return {"kind": table.kind, "title": title, "headers": headers, "rows": rows,
            "errors": table.errors, "ignored": table.ignored_columns,
            "new_groups": table.new_groups, "source": table.source}


def _render_intake(request, plan, *, texts: dict[str, str], tables=None, upload_form=None,
                   kind: str = paste.TARGETS, pasted: str = "", from_excel: bool = False):
    tables = tables or []
    errors = [e for t in tables for e in t.errors]
    return render(request, "plans/intake/paste.html", {
        "plan": plan, "kind": kind, "pasted": pasted, "grids": _preview(tables),
        "errors": errors, "ready": bool(tables) and not errors and any(t.rows for t in tables),
        "targets_text": texts.get(paste.TARGETS, ""), "tasks_text": texts.get(paste.TASKS, ""),
        "from_excel": from_excel, "upload_form": upload_form or UploadForm(),
        "confirm_label": _confirm_label(tables),
    }, status=400 if errors else 200)


def _confirm_label(tables: list[paste.ParsedTable]) -> str:
    n_targets = sum(len(t.rows) for t in tables if t.kind == paste.TARGETS)
    n_tasks = sum(len(t.rows) for t in tables if t.kind == paste.TASKS)
    parts = []
    if n_targets:
        parts.append(ngettext("%(n)d chỉ tiêu", "%(n)d chỉ tiêu", n_targets) % {"n": n_targets})
    if n_tasks:
        parts.append(ngettext("%(n)d nhiệm vụ", "%(n)d nhiệm vụ", n_tasks) % {"n": n_tasks})
    return _("Ghi vào kế hoạch: %(what)s") % {"what": ", ".join(parts)}


@login_required
@require_http_methods(["GET", "POST"])
def paste_table(request: HttpRequest, pk: int) -> HttpResponse:
    """Paste → preview (nothing written) → confirm (all or nothing)."""
    plan = _managed_plan(request, pk)
    if request.method == "GET":
        return _render_intake(request, plan, texts={})
    from_excel = request.POST.get("nguon") == "excel"
    sources = excel_template.sources() if from_excel else None
    if request.POST.get("action") == "ghi":
        texts = {paste.TARGETS: request.POST.get("targets_text", ""),
                 paste.TASKS: request.POST.get("tasks_text", "")}
        try:
            result = paste.apply(plan, targets_text=texts[paste.TARGETS],
                                 tasks_text=texts[paste.TASKS], sources=sources)
        except paste.TableError:
            tables = paste.check(plan, targets_text=texts[paste.TARGETS],
                                 tasks_text=texts[paste.TASKS], sources=sources)
            return _render_intake(request, plan, texts=texts, tables=tables,
                                  from_excel=from_excel)
        messages.success(request, _written(result))
        return redirect("plan_detail", plan.pk)
    kind = paste.TASKS if request.POST.get("loai") == "nhiem_vu" else paste.TARGETS
    pasted = request.POST.get("bang", "")
    texts = {kind: pasted}
    tables = paste.check(plan, targets_text=texts.get(paste.TARGETS, ""),
                         tasks_text=texts.get(paste.TASKS, ""))
    if not tables:
        tables = [paste.parse_text(plan, pasted, kind)]
    return _render_intake(request, plan, texts=texts, tables=tables, kind=kind, pasted=pasted)


def _written(result: paste.Applied) -> str:
    parts = []
    if result.targets:
        parts.append(ngettext("%(n)d chỉ tiêu", "%(n)d chỉ tiêu", result.targets)
                     % {"n": result.targets})
    if result.tasks:
        parts.append(ngettext("%(n)d nhiệm vụ", "%(n)d nhiệm vụ", result.tasks)
                     % {"n": result.tasks})
    if result.groups:
        parts.append(ngettext("%(n)d nhóm giải pháp mới", "%(n)d nhóm giải pháp mới",
                              result.groups) % {"n": result.groups})
    return _("Đã ghi vào kế hoạch: %(what)s.") % {"what": ", ".join(parts)}


@login_required
def template_download(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    response = HttpResponse(excel_template.build(plan), content_type=excel_template.CONTENT_TYPE)
    name = f"mau-ke-hoach-{plan.pk}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def template_upload(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_intake(request, plan, texts={}, upload_form=form)
    upload = form.cleaned_data["tep"]
    try:
        texts = excel_template.read(upload, upload.size)
    except excel_template.TemplateRejected as e:
        form.add_error("tep", e.message)
        return _render_intake(request, plan, texts={}, upload_form=form)
    tables = paste.check(plan, targets_text=texts["targets"], tasks_text=texts["tasks"],
                         sources=excel_template.sources())
    return _render_intake(request, plan, texts={paste.TARGETS: texts["targets"],
                                                paste.TASKS: texts["tasks"]},
                          tables=tables, from_excel=True)


@login_required
@require_http_methods(["GET", "POST"])
def plan_copy(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    if request.method == "POST":
        new = plan_copy_module.copy_plan(plan, user=request.user)
        messages.success(request, _("Đã sao chép thành kế hoạch dự thảo năm %(y)s: %(n)d chỉ "
                                    "tiêu, %(t)d nhiệm vụ. Hãy rà soát giá trị mục tiêu và "
                                    "thời hạn, ghi số hiệu khi ban hành.") % {
            "y": new.span, "n": new.targets.count(), "t": new.tasks.count()})
        return redirect("plan_detail", new.pk)
    return render(request, "plans/intake/copy.html", {
        "plan": plan, "next_span": f"{plan.start_year + 1}" if plan.start_year == plan.end_year
        else f"{plan.start_year + 1}–{plan.end_year + 1}",
        "targets": plan.targets.count(), "tasks": plan.tasks.filter(cancelled=False).count(),
        "cancelled": plan.tasks.filter(cancelled=True).count()})
