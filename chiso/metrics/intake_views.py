"""Pages under a unit for files of values: upload (with the result and its errors), import
jobs for large files (`jobs`: progress bar, then the same result), export and the template
to fill. Linked from the rounds pages; not in the main navigation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from . import export, jobs
from . import periods as P
from .intake import IntakeResult, import_file
from .models import Metric, Period
from .tabular import MAX_BYTES, MAX_ERRORS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Streamed export formats (the address's ending) → (writer, content type); plus "xlsx".
EXPORTS = {
    "xlsx": None,
    "csv": (export.csv_lines, "text/csv; charset=utf-8"),
    "dhis2.json": (export.dhis2_json_chunks, "application/json"),
    "dhis2.csv": (export.dhis2_csv_lines, "text/csv; charset=utf-8"),
}


def _period_or_404(code: str) -> Period:
    try:
        return Period.objects.for_code(code)
    except P.PeriodError:
        raise Http404(_("Mã kỳ không hợp lệ.")) from None


def _result_context(result: IntakeResult, file_name: str, error_count: int | None = None) -> dict:
    """What `metrics/import_job_result.html` shows, after a direct import or a job."""
    count = len(result.errors) if error_count is None else error_count
    return {"result": result, "file_name": file_name, "error_count": count,
            "errors": result.errors[:MAX_ERRORS], "more_errors": max(0, count - MAX_ERRORS)}


@login_required
@permissions.unit_permission("edit_data")
def upload(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    jobs.sweep()
    context = {"unit": unit, "max_mb": MAX_BYTES // 1024 // 1024, "result": None,
               "background_mb": jobs.background_threshold() / 1024 / 1024}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("tep")
        dry_run = request.POST.get("thu") == "1"
        if upload is None:
            context["missing"] = True
        elif jobs.should_run_in_background(upload.size or 0, request.POST.get("nen") == "1"):
            job = jobs.start(upload, user=request.user, unit=unit, dry_run=dry_run)
            return redirect("import_job", unit.code, job.pk)
        else:
            # The size is known from the upload handler before a byte is parsed.
            result = import_file(upload.file, upload.name, user=request.user, size=upload.size,
                                 within=unit, dry_run=dry_run)
            context.update(_result_context(result, upload.name))
            status = 200 if result.ok else 422
    context["jobs"] = jobs.recent_for(request.user, unit)
    return render(request, "metrics/intake_upload.html", context, status=status)


def _job_or_404(request: HttpRequest, code: str, pk: int):
    """The job, if this user may see it (see `jobs`); 404 alike for absent and hidden."""
    job = get_object_or_404(jobs.visible_to(request.user).select_related("unit", "user"),
                            pk=pk, unit__code=code)
    return jobs.check_interrupted(job)


def _job_context(job) -> dict:
    context = {"job": job, "unit": job.unit, "percent": jobs.percent(job),
               "progress_text": jobs.progress_text(job), "result": None}
    if job.state in (job.State.DONE, job.State.FAILED) and job.result:
        context.update(_result_context(jobs.result_from_json(job.result), job.file_name,
                                       job.result.get("error_count")))
    return context


@require_GET
@login_required
def import_job(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    job = _job_or_404(request, code, pk)
    return render(request, "metrics/import_job.html", _job_context(job))


@require_GET
@login_required
def import_job_status(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The job page's progress part, polled by htmx every second until the job ends."""
    job = _job_or_404(request, code, pk)
    return render(request, "metrics/import_job_status.html", _job_context(job))


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
    if fmt not in EXPORTS:
        raise Http404(_("Không có định dạng tệp này."))
    values = export.values_for(units, period=period, metric=metric)
    name = f"so-lieu-{unit.code}{'-' + period.code if period else ''}.{fmt}"
    if fmt == "xlsx":
        response = HttpResponse(export.xlsx_bytes(values), content_type=XLSX)
    else:
        writer, content_type = EXPORTS[fmt]
        response = StreamingHttpResponse(writer(values), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@login_required
@permissions.unit_permission("edit_data")
def template(request: HttpRequest, unit: OrgUnit, period: str) -> HttpResponse:
    parsed = _period_or_404(period)
    response = HttpResponse(export.template_bytes(unit, parsed), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-{unit.code}-{parsed.code}.xlsx"'
    return response
