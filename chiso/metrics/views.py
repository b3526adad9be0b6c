"""Pages of the metrics app: the catalogue, a unit's values, a value's history, evidence
downloads and uploads. Every unit-scoped page goes through `chiso.orgs.permissions`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.lib.dates import parse_date
from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from . import catalogue
from . import evidence as evidence_service
from . import periods as P
from .models import DataValue, Evidence, Metric, Period, State


def _may_manage_catalogue(user) -> bool:
    """The catalogue is shared by every unit: its secretariat (admin of some unit) or a
    superuser manages it."""
    return user.is_superuser or permissions.units_for(user, "manage").exists()


# --- catalogue ---------------------------------------------------------------------------
@login_required
def metric_list(request: HttpRequest) -> HttpResponse:
    metrics = Metric.objects.all()
    query = request.GET.get("q", "").strip()
    value_type = request.GET.get("kieu", "")
    show_inactive = request.GET.get("ca_ngung") == "1"
    if query:
        metrics = metrics.filter(Q(code__icontains=query) | Q(name__icontains=query)
                                 | Q(name_en__icontains=query))
    if value_type in Metric.ValueType.values:
        metrics = metrics.filter(value_type=value_type)
    if not show_inactive:
        metrics = metrics.filter(active=True)
    page = Paginator(metrics.order_by("code"), 100).get_page(request.GET.get("trang"))
    template = "metrics/_metric_rows.html" if request.headers.get("HX-Request") else \
        "metrics/metric_list.html"
    return render(request, template, {
        "page": page, "query": query, "value_type": value_type, "show_inactive": show_inactive,
        "value_types": Metric.ValueType.choices, "can_manage": _may_manage_catalogue(request.user),
    })


@login_required
def metric_detail(request: HttpRequest, code: str) -> HttpResponse:
    metric = get_object_or_404(Metric, code=code)
    kinds = dict(OrgUnit.Kind.choices)
    return render(request, "metrics/metric_detail.html", {
        "metric": metric,
        "reporting_kinds": [kinds.get(k, k) for k in metric.reporting_kinds or []],
    })


@login_required
def catalogue_export(request: HttpRequest, fmt: str) -> HttpResponse:
    stamp = dt.date.today().strftime("%Y%m%d")
    if fmt == "xlsx":
        response = HttpResponse(
            catalogue.export_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    elif fmt == "csv":
        response = HttpResponse(catalogue.export_csv(), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="danh-muc-chi-tieu-{stamp}.{fmt}"'
    return response


@login_required
def catalogue_import(request: HttpRequest) -> HttpResponse:
    if not _may_manage_catalogue(request.user):
        raise PermissionDenied(_("Chỉ cơ quan thường trực được nhập danh mục chỉ tiêu."))
    result = None
    if request.method == "POST":
        upload = request.FILES.get("tep")
        if upload is None:
            result = catalogue.ImportResult(errors=[_("Chưa chọn tệp.")])
        else:
            result = catalogue.import_upload(upload, upload.name)
            if result.ok:
                messages.success(request, _("Đã nhập danh mục: %(c)s chỉ tiêu mới, %(u)s chỉ tiêu "
                                            "cập nhật.") % {"c": result.created, "u": result.updated})
                return redirect("metric_list")
    return render(request, "metrics/catalogue_import.html", {"result": result})


# --- a unit's values ---------------------------------------------------------------------
FREQUENCY_ORDER = [P.MONTH, P.QUARTER, P.HALF, P.YEAR]
ROMAN = ["I", "II", "III", "IV"]


def _short_label(p: P.ParsedPeriod) -> str:
    """Column headers: T1…T12, Quý I…IV, 6 tháng đầu/cuối, Năm 2024."""
    if p.kind == P.MONTH:
        return _("T%(m)s") % {"m": p.number}
    if p.kind == P.QUARTER:
        return _("Quý %(q)s") % {"q": ROMAN[p.number - 1]}
    if p.kind == P.HALF:
        return _("6 tháng đầu") if p.number == 1 else _("6 tháng cuối")
    return _("Năm %(y)s") % {"y": p.year}


@login_required
@permissions.unit_permission("view")
def unit_values(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    """Metric × period table of one unit for one year, one table per reporting frequency."""
    years = sorted(set(DataValue.objects.filter(unit=unit).values_list("period__year", flat=True)),
                   reverse=True)
    try:
        year = int(request.GET.get("nam") or (years[0] if years else dt.date.today().year))
    except ValueError:
        year = dt.date.today().year
    values = (DataValue.objects.filter(unit=unit, period__year=year)
              .select_related("metric", "period").order_by("metric__code", "period__start"))
    # One table per kind of period present (months, quarters, …): a metric reported
    # monthly and its yearly figure do not share columns.
    cells: dict[str, dict[int, dict[str, DataValue]]] = defaultdict(lambda: defaultdict(dict))
    metrics: dict[int, Metric] = {}
    for dv in values:
        cells[dv.period.kind][dv.metric_id][dv.period.code] = dv
        metrics[dv.metric_id] = dv.metric
    tables = []
    for kind in FREQUENCY_ORDER:
        if kind not in cells:
            continue
        columns = [{"code": c.code, "label": _short_label(c)}
                   for c in P.sub_periods(P.build(P.YEAR, year), kind)]
        rows = [{"metric": metrics[mid], "cells": [by_code.get(c["code"]) for c in columns]}
                for mid, by_code in sorted(cells[kind].items(), key=lambda i: metrics[i[0]].code)]
        tables.append({"kind": Period.Kind(kind).label, "columns": columns, "rows": rows})
    return render(request, "metrics/unit_values.html", {
        "unit": unit, "year": year, "years": years or [year], "tables": tables,
        "states": State, "can_edit": permissions.can(request.user, "edit_data", unit),
    })


def _value_for(request: HttpRequest, pk: int, action: str = "view") -> DataValue:
    dv = get_object_or_404(DataValue.objects.select_related("metric", "unit", "period",
                                                            "updated_by"), pk=pk)
    permissions.require(request.user, action, dv.unit)
    return dv


@login_required
def value_history(request: HttpRequest, pk: int) -> HttpResponse:
    dv = _value_for(request, pk)
    changes = dv.changes.select_related("changed_by").order_by("-version")
    return render(request, "metrics/value_history.html", {
        "dv": dv, "changes": changes,
        "evidence": dv.evidence.select_related("uploaded_by"),
        "can_edit": permissions.can(request.user, "edit_data", dv.unit),
    })


# --- evidence ----------------------------------------------------------------------------
@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, to users who may view its unit; never from MEDIA_URL."""
    evidence = get_object_or_404(Evidence.objects.select_related("unit"), pk=pk)
    permissions.require(request.user, "view", evidence.unit)
    if evidence.kind != Evidence.Kind.FILE or not evidence.file:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = evidence.original_name or PurePath(evidence.file.name).name
    response = FileResponse(handle, as_attachment=True, filename=name,
                            content_type=evidence.mime_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a file or a document reference to a value (reporter or secretariat)."""
    dv = _value_for(request, pk, "edit_data")
    try:
        if request.FILES.get("tep"):
            evidence_service.attach_file(request.FILES["tep"], user=request.user, data_value=dv,
                                         title=request.POST.get("tieu_de", ""))
        else:
            try:
                day = parse_date(request.POST.get("ngay_van_ban"))
            except ValueError as err:
                raise evidence_service.EvidenceRejected(
                    _("Ngày văn bản: %(e)s") % {"e": err}) from None
            evidence_service.attach_link(
                user=request.user, data_value=dv, title=request.POST.get("tieu_de", ""),
                url=request.POST.get("duong_dan", ""),
                document_number=request.POST.get("so_van_ban", ""), document_date=day)
        messages.success(request, _("Đã thêm minh chứng."))
    except evidence_service.EvidenceRejected as err:
        messages.error(request, str(err))
    return redirect("value_history", pk=dv.pk)
