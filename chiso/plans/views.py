"""Pages of the plans app: the cascade of plans, a plan with its targets and tasks, a
target with its chart and forecast, a task with its updates and evidence, and who is
silent. Statuses are computed on each request (chiso.plans.status), never stored."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.metrics.models import Evidence, Period
from chiso.metrics.periods import PeriodError
from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from . import access, charts, progress
from . import counts as C
from .models import Plan, Target, Task, TaskUpdate
from .status import TargetStatus, TaskStatus, target_queryset, target_statuses, task_statuses


def _plan_or_403(request: HttpRequest, pk: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("issuer", "owner", "parent"), pk=pk)
    if not access.can_view_plan(request.user, plan):
        raise PermissionDenied(_("Bạn không có quyền xem kế hoạch này."))
    return plan


def _as_of(request: HttpRequest) -> tuple[dt.date, Period | None]:
    """`?ky=2023S1`: statuses at the end of that period; otherwise today."""
    code = request.GET.get("ky", "").strip()
    if code:
        try:
            period = Period.objects.for_code(code)
        except (PeriodError, ValueError):
            return timezone.localdate(), None
        return min(period.end, timezone.localdate()), period
    return timezone.localdate(), None


# --- the cascade -----------------------------------------------------------------------------
@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(access.visible_plans(request.user).select_related("issuer", "owner")
                 .order_by("start_year", "signed_on", "pk"))
    ids = {p.pk for p in plans}
    today = timezone.localdate()
    targets = list(target_queryset(Target.objects.filter(plan_id__in=ids)))
    t_status = target_statuses(targets, today)
    tasks = list(Task.objects.filter(plan_id__in=ids).only(
        "pk", "plan_id", "cancelled", "completed_at", "due_date"))
    k_status = task_statuses(tasks, today)
    per_plan: dict[int, dict] = defaultdict(lambda: {"targets": defaultdict(int),
                                                     "tasks": defaultdict(int)})
    for t in targets:
        per_plan[t.plan_id]["targets"][t_status[t.pk].status] += 1
    for k in tasks:
        per_plan[k.plan_id]["tasks"][k_status[k.pk].status] += 1

    children: dict[int | None, list[Plan]] = defaultdict(list)
    for p in plans:
        children[p.parent_id if p.parent_id in ids else None].append(p)
    rows: list[dict] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for p in children.get(parent_id, []):
            stats = per_plan[p.pk]
            rows.append({
                "plan": p, "depth": depth, "indent": depth * 1.5,
                "n_targets": sum(stats["targets"].values()),
                "n_tasks": sum(stats["tasks"].values()),
                "targets": [(s, TargetStatus.LABELS[s], stats["targets"][s])
                            for s in TargetStatus.ORDER if stats["targets"][s]],
                "tasks": [(s, TaskStatus.LABELS[s], stats["tasks"][s])
                          for s in TaskStatus.ORDER if stats["tasks"][s]],
            })
            walk(p.pk, depth + 1)

    walk(None, 0)
    can_create = permissions.units_for(request.user, "manage").exists()
    return render(request, "plans/plan_list.html", {"rows": rows, "can_create": can_create})


# --- one plan --------------------------------------------------------------------------------
def _period_choices(plan: Plan) -> list[Period]:
    today = timezone.localdate()
    out = []
    for year in range(plan.start_year, min(plan.end_year, today.year) + 1):
        for code in (f"{year}S1", f"{year}"):
            period = Period.objects.for_code(code)
            if period.start <= today:
                out.append(period)
    return out


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_or_403(request, pk)
    as_of, period = _as_of(request)
    # Narrowing by pillar or lead unit: the counts, sentences and tables follow.
    pillar_names = sorted({p for p in plan.targets.values_list("pillar", flat=True) if p})
    lead_units = OrgUnit.objects.filter(
        Q(led_tasks__plan=plan) | Q(led_targets__plan=plan)).distinct().order_by("path")
    pillar = request.GET.get("tru_cot", "")
    pillar = pillar if pillar in pillar_names else ""
    lead = lead_units.filter(code=request.GET.get("don_vi", "")).first()
    scope = C.Scope(plans=[plan], pillar=pillar or None, unit=lead)
    counts = C.count(scope, as_of, since=period.start if period else None)
    targets = list(target_queryset(scope.targets()).select_related("lead_unit")
                   .order_by("order", "pk"))
    pillars: dict[str, list] = defaultdict(list)
    for t in targets:
        pillars[t.pillar or _("Chưa phân trụ cột")].append(
            {"target": t, "result": counts.target_results[t.pk]})
    tasks = list(scope.tasks().select_related("lead_unit", "solution_group")
                 .prefetch_related("coordinating_units")
                 .order_by("solution_group__order", "solution_group_id", "order", "pk"))
    groups: dict[str, list] = defaultdict(list)
    for k in tasks:
        groups[str(k.solution_group) if k.solution_group else _("Nhiệm vụ khác")].append(
            {"task": k, "result": counts.task_results[k.pk]})
    visible = access.visible_plans(request.user)
    return render(request, "plans/plan_detail.html", {
        "plan": plan, "as_of": as_of, "period": period, "periods": _period_choices(plan),
        "pillar_names": pillar_names, "pillar": pillar, "lead_units": lead_units, "lead": lead,
        "counts": counts, "pillars": dict(pillars), "groups": dict(groups),
        "ancestors": [(p, visible.filter(pk=p.pk).exists()) for p in plan.ancestors()],
        "children": list(visible.filter(parent=plan).select_related("issuer")),
        "plan_sentence": C.plan_sentence(plan),
        "pillar_sentence": C.pillar_sentence(plan) if pillar_names else "",
        "period_sentence": C.period_sentence(period, counts) if period else "",
        "cumulative_sentence": C.cumulative_sentence(period, counts) if period else "",
        "can_manage": access.can_manage_plan(request.user, plan),
        "oversees_owner": access.oversees(request.user, plan.owner),
    })


# --- one target --------------------------------------------------------------------------------
@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(target_queryset(Target.objects.all()).select_related("lead_unit"),
                               pk=pk)
    plan = _plan_or_403(request, target.plan_id)
    as_of, _period = _as_of(request)
    result = target_statuses([target], as_of, with_interval=True)[target.pk]
    tasks = list(target.tasks.select_related("lead_unit"))
    k_status = task_statuses(tasks, as_of)
    return render(request, "plans/target_detail.html", {
        "plan": plan, "target": target, "result": result, "as_of": as_of,
        "chart": charts.target_chart(target, result),
        "tasks": [{"task": k, "result": k_status[k.pk]} for k in tasks],
        "breakdowns": target.breakdowns.select_related("unit"),
    })


# --- one task ----------------------------------------------------------------------------------
def _task_context(request: HttpRequest, task: Task, errors: dict | None = None,
                  posted: dict | None = None) -> dict:
    result = task_statuses([task], timezone.localdate())[task.pk]
    updates = task.updates.select_related("unit", "author").prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at")))
    return {
        "plan": task.plan, "task": task, "result": result, "updates": updates,
        "coordinating": list(task.coordinating_units.all()),
        "targets": list(task.targets.all()),
        "can_progress": access.can_report_progress(request.user, task),
        "note_units": access.note_units(request.user, task),
        "errors": errors or {}, "posted": posted or {},
    }


def _task_or_403(request: HttpRequest, pk: int) -> Task:
    task = get_object_or_404(Task.objects.select_related("plan__owner", "lead_unit",
                                                         "solution_group"), pk=pk)
    if not access.can_view_plan(request.user, task.plan):
        raise PermissionDenied(_("Bạn không có quyền xem nhiệm vụ này."))
    return task


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_or_403(request, pk)
    return render(request, "plans/task_detail.html", _task_context(request, task))


def _evidence_input(request: HttpRequest) -> tuple[progress.EvidenceInput, dict]:
    errors = {}
    day = None
    raw = request.POST.get("ngay_van_ban", "").strip()
    if raw:
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                day = dt.datetime.strptime(raw, fmt).date()
                break
            except ValueError:
                continue
        else:
            errors["evidence"] = _("Ngày văn bản “%(d)s” không đúng dạng dd/mm/yyyy.") % {"d": raw}
    return progress.EvidenceInput(
        file=request.FILES.get("tep"), title=request.POST.get("tieu_de", ""),
        url=request.POST.get("duong_dan", ""), document_number=request.POST.get("so_van_ban", ""),
        document_date=day), errors


@login_required
@require_POST
def task_update(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_or_403(request, pk)
    kind = request.POST.get("loai", "")
    evidence, errors = _evidence_input(request)
    text = request.POST.get("noi_dung", "")
    try:
        if errors:
            raise ValidationError(errors)
        if kind == TaskUpdate.Kind.PROGRESS:
            raw = request.POST.get("tien_do", "").strip().rstrip("%").strip()
            try:
                percent = int(raw)
            except ValueError:
                raise ValidationError({"percent": _("Tiến độ “%(v)s” không phải là số phần trăm "
                                                    "từ 0 đến 100.") % {"v": raw}}) from None
            progress.report_progress(task, request.user, percent, text, evidence)
            messages.success(request, _("Đã cập nhật tiến độ %(p)s %%.") % {"p": percent})
        elif kind == TaskUpdate.Kind.NOTE:
            unit = OrgUnit.objects.filter(pk=request.POST.get("don_vi") or 0).first()
            if unit is None:
                raise PermissionDenied(_("Hãy chọn đơn vị phối hợp."))
            progress.add_note(task, request.user, unit, text, evidence)
            messages.success(request, _("Đã ghi ý kiến của %(u)s.") % {"u": unit.name})
        else:
            raise ValidationError({"kind": _("Loại cập nhật không hợp lệ.")})
    except ValidationError as exc:
        ctx = _task_context(request, task, errors=exc.message_dict, posted=request.POST)
        return render(request, "plans/task_detail.html", ctx, status=400)
    return redirect("task_detail", task.pk)
