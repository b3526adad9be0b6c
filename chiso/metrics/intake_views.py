"""Pages under a unit for files of values: upload (with the result and its errors), export
and the template to fill. Linked from the rounds pages; not in the main navigation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from . import export
from . import periods as P
from .intake import import_file
from .models import Metric, Period
from .tabular import MAX_BYTES, MAX_ERRORS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period_or_404(code: str) -> Period:
    try:
        return Period.objects.for_code(code)
    except P.PeriodError:
        raise Http404(_("Mã kỳ không hợp lệ.")) from None


@login_required
@permissions.unit_permission("edit_data")
def upload(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    context = {"unit": unit, "max_mb": MAX_BYTES // 1024 // 1024, "result": None}
    if request.method == "POST":
        upload = request.FILES.get("tep")
        if upload is None:
            context["missing"] = True
        else:
            # The size is known from the upload handler before a byte is parsed.
            result = import_file(upload.file, upload.name, user=request.user, size=upload.size,
                                 within=unit, dry_run=request.POST.get("thu") == "1")
            context.update(result=result, file_name=upload.name,
                           errors=result.errors[:MAX_ERRORS],
                           more_errors=max(0, len(result.errors) - MAX_ERRORS))
        status = 200 if context["result"] is None or context["result"].ok else 422
        return render(request, "metrics/intake_upload.html", context, status=status)
    return render(request, "metrics/intake_upload.html", context)


@require_GET
@login_required
@permissions.unit_permission("view")
def export_values(request: HttpRequest, unit: OrgUnit, fmt: str) -> HttpResponse:
    """The unit's values (with `cap_duoi=1`, its subtree's that the user may see)."""
    units = OrgUnit.objects.filter(pk=unit.pk)
    if request.GET.get("cap_duoi") == "1":
        units = permissions.units_for(request.user, "view").filter(path__startswith=unit.path)
    period = _period_or_404(request.GET["ky"]) if request.GET.get("ky") else None
    metric = None
    if request.GET.get("chi_tieu"):
        metric = Metric.objects.filter(code=request.GET["chi_tieu"]).first()
        if metric is None:
            raise Http404(_("Không có chỉ tiêu này."))
    values = export.values_for(units, period=period, metric=metric)
    name = f"so-lieu-{unit.code}{'-' + period.code if period else ''}"
    if fmt == "csv":
        response = StreamingHttpResponse(export.csv_lines(values),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(export.xlsx_bytes(values), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@require_GET
@login_required
@permissions.unit_permission("edit_data")
def template(request: HttpRequest, unit: OrgUnit, period: str) -> HttpResponse:
    parsed = _period_or_404(period)
    response = HttpResponse(export.template_bytes(unit, parsed), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-{unit.code}-{parsed.code}.xlsx"'
    return response
