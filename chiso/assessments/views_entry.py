"""Pages of the self-assessment and of its appraisal.

    /danh-gia/tu-danh-gia/                                 my self-assessments and appraisals
    /danh-gia/<pk>/tu-danh-gia/<code>/                     a unit's self-assessment form
    /danh-gia/<pk>/tu-danh-gia/<code>/tp/<node>/           save one component (htmx)
    /danh-gia/<pk>/tu-danh-gia/<code>/tp/<node>/minh-chung/ evidence for it (htmx)
    /danh-gia/<pk>/tu-danh-gia/<code>/mo-lai/              re-open (secretariat)
    /danh-gia/<pk>/tu-danh-gia/<code>/<action>/            workflow transitions
    /danh-gia/<pk>/tham-dinh/                              the appraiser's queue
    /danh-gia/<pk>/tham-dinh/<code>/                       appraise one unit
    /danh-gia/<pk>/tham-dinh/<code>/tp/<node>/             appraise one component (htmx)
    /minh-chung/<id>/tai-ve/                               evidence files (see below)

Every view loads the unit and checks `view` on it first (403 for another unit's data),
then what the page needs: editing through the workflow's rules, appraisal through the
appraiser's assignment.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from chiso.metrics import views as metrics_views
from chiso.metrics.models import Evidence
from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit
from chiso.rounds import workflow
from chiso.rounds.forms import ReopenForm
from chiso.rounds.models import Submission

from . import access, appraisal, selfassess
from .models import AppraiserAssignment, Assessment, ComponentEntry, FrameworkNode

S = Submission.State


def unit_assessment(view: Callable) -> Callable:
    """Loads the assessment, the unit (403 without "view" on it) and its submission (404 if
    the unit is not assessed)."""

    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, code: str, *args, **kwargs):
        assessment = get_object_or_404(
            Assessment.objects.select_related("framework", "owner", "round", "round__owner",
                                              "round__period"), pk=pk)
        unit = get_object_or_404(OrgUnit, code=code)
        permissions.require(request.user, "view", unit)
        sub = selfassess.submission_for(assessment, unit)
        if sub is None:
            raise Http404(_("Đơn vị không thuộc kỳ đánh giá này."))
        selfassess.ensure_section(assessment)
        return view(request, assessment, sub, *args, **kwargs)

    return wrapper


def _node(assessment: Assessment, node_pk: int) -> FrameworkNode:
    return get_object_or_404(FrameworkNode, pk=node_pk, framework=assessment.framework_id,
                             kind=FrameworkNode.Kind.COMPONENT)


def _locked(request: HttpRequest, exc: Exception) -> HttpResponse:
    """409 with the reason, shown where the field's status goes (the page's htmx settings
    swap 409 answers): the person may edit this form, just not now."""
    return render(request, "assessments/entry/_locked.html", {"message": str(exc)}, status=409)


def form_url(assessment: Assessment, unit: OrgUnit) -> str:
    return reverse("assessments:selfassess_form", args=[assessment.pk, unit.code])


# --- my self-assessments ---------------------------------------------------------------------
@login_required
def my_assessments(request: HttpRequest) -> HttpResponse:
    """The self-assessments the user fills in or approves, and the appraisals assigned."""
    user = request.user
    own = [m.unit_id for m in permissions.memberships(user)
           if permissions.can(user, "edit_data", m.unit) or permissions.can(user, "approve", m.unit)]
    subs = (Submission.objects.filter(round__assessment__isnull=False, unit__in=own)
            .select_related("unit", "round", "round__assessment")
            .order_by("-round__deadline", "unit__path"))
    assigned = set(AppraiserAssignment.objects.filter(user=user)
                   .values_list("assessment_id", flat=True))
    managed = permissions.units_for(user, "manage")
    appraising = (Assessment.objects.filter(pk__in=assigned)
                  | Assessment.objects.filter(owner__in=managed)).distinct().order_by("-year")
    return render(request, "assessments/entry/my_list.html", {
        "subs": subs[:200], "appraising": appraising})


# --- the self-assessment form ------------------------------------------------------------------
def _form_context(request: HttpRequest, assessment: Assessment, sub: Submission) -> dict:
    user = request.user
    unit = sub.unit
    editable = selfassess.can_edit(user, sub)
    can_edit_data = permissions.can(user, "edit_data", unit)
    can_approve = permissions.can(user, "approve", unit)
    secretariat = appraisal.is_secretariat(user, assessment)
    reviewing = (sub.state == S.SUBMITTED and appraisal.may_appraise_unit(user, assessment, unit))
    returned = sub.reviews.filter(verdict="returned").select_related("reviewer").first()
    return {
        "assessment": assessment, "sub": sub, "unit": unit, "round": sub.round,
        "groups": selfassess.build_rows(assessment, unit, editable, create=editable),
        "totals": selfassess.running_totals(assessment, unit),
        "editable": editable,
        "check": selfassess.check(assessment, unit) if editable else None,
        "can_edit_data": can_edit_data, "can_approve": can_approve,
        "is_secretariat": secretariat, "reviewing": reviewing, "returned": returned,
        "past_deadline": sub.is_past_deadline(),
        "events": sub.events.select_related("actor").order_by("-at", "-pk")[:20],
        "states": S,
    }


@login_required
@unit_assessment
def selfassess_form(request: HttpRequest, assessment: Assessment, sub: Submission
                    ) -> HttpResponse:
    visible = appraisal.visible_components(request.user, assessment, sub)
    if visible is not None:  # an appraiser: only the assigned components, on their page
        return redirect("assessments:appraisal_unit", pk=assessment.pk, code=sub.unit.code)
    return render(request, "assessments/entry/form.html",
                  _form_context(request, assessment, sub))


@login_required
@require_POST
@unit_assessment
def selfassess_save(request: HttpRequest, assessment: Assessment, sub: Submission,
                    node_pk: int) -> HttpResponse:
    node = _node(assessment, node_pk)
    try:
        result = selfassess.save_component(assessment, sub, node, request.POST, request.user)
    except selfassess.Locked as exc:
        return _locked(request, exc)
    context = {"assessment": assessment, "sub": sub, "unit": sub.unit, "node": node,
               "result": result, "entry": result.entry}
    if result.status == "saved":
        context["totals"] = selfassess.running_totals(assessment, sub.unit)
    return render(request, "assessments/entry/_points.html", context)


@login_required
@require_POST
@unit_assessment
def selfassess_evidence(request: HttpRequest, assessment: Assessment, sub: Submission,
                        node_pk: int) -> HttpResponse:
    node = _node(assessment, node_pk)
    error = ""
    upload = request.FILES.get("file")
    number, link = request.POST.get("document_number", ""), request.POST.get("url", "")
    if upload is None and not (number.strip() or link.strip()):
        error = _("Chưa chọn tệp hoặc nhập số, ký hiệu văn bản.")
    else:
        try:
            selfassess.add_evidence(assessment, sub, node, request.user, upload=upload,
                                    number=number, url=link,
                                    day=request.POST.get("document_date", ""))
        except selfassess.Locked as exc:
            return _locked(request, exc)
        except ValueError as err:
            error = str(err)
    groups = selfassess.build_rows(assessment, sub.unit, editable=True, only={node.pk})
    row = groups[0].rows[0]
    return render(request, "assessments/entry/_evidence.html",
                  {"row": row, "assessment": assessment, "unit": sub.unit, "error": error})


def _send(assessment, sub, user, post):
    return selfassess.send(assessment, sub, user)


def _accept(assessment, sub, user, post):
    if not appraisal.is_secretariat(user, assessment):
        raise workflow.WorkflowForbidden(
            _("Chỉ cơ quan thường trực được chấp nhận kết quả thẩm định."))
    return workflow.accept(sub, user, reason=post.get("reason", ""))


TRANSITIONS = {
    "gui": _send,
    "phe-duyet": lambda a, sub, user, post: workflow.approve(sub, user),
    "tu-choi-duyet": lambda a, sub, user, post: workflow.reject_approval(
        sub, user, post.get("reason", "")),
    "rut-lai": lambda a, sub, user, post: workflow.withdraw(sub, user),
    "tra-lai": lambda a, sub, user, post: appraisal.return_to_unit(
        a, sub, user, post.get("reason", "")),
    "chap-nhan": _accept,
    "khoa": lambda a, sub, user, post: workflow.lock(sub, user),
}
DONE = {
    "gui": _lazy("Đã gửi bản tự đánh giá."),
    "phe-duyet": _lazy("Đã phê duyệt; cán bộ đầu mối có thể gửi."),
    "tu-choi-duyet": _lazy("Đã trả lại cho cán bộ đầu mối."),
    "rut-lai": _lazy("Đã rút lại bản tự đánh giá; có thể tiếp tục sửa."),
    "tra-lai": _lazy("Đã trả lại bản tự đánh giá cho đơn vị."),
    "chap-nhan": _lazy("Đã chấp nhận kết quả thẩm định."),
    "khoa": _lazy("Đã khóa bản tự đánh giá."),
}


@login_required
@require_POST
@unit_assessment
def selfassess_transition(request: HttpRequest, assessment: Assessment, sub: Submission,
                          action: str) -> HttpResponse:
    if action not in TRANSITIONS:
        raise Http404
    try:
        sub = TRANSITIONS[action](assessment, sub, request.user, request.POST)
    except workflow.WorkflowForbidden:
        raise
    except workflow.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        if action == "gui" and sub.state == S.PENDING_APPROVAL:
            messages.success(request, _("Đã trình thủ trưởng phê duyệt."))
        else:
            messages.success(request, str(DONE[action]))
    if action == "tra-lai" and not permissions.can(request.user, "edit_data", sub.unit):
        return redirect("assessments:appraisal_list", pk=assessment.pk)
    return redirect(form_url(assessment, sub.unit))


@login_required
@unit_assessment
def selfassess_reopen(request: HttpRequest, assessment: Assessment, sub: Submission
                      ) -> HttpResponse:
    if not workflow.is_secretariat(request.user, sub.round):
        raise PermissionDenied(_("Chỉ cơ quan thường trực được mở lại bản tự đánh giá."))
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.reopen(sub, request.user, form.cleaned_data["new_deadline"],
                            form.cleaned_data["reason"])
        except workflow.WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã mở lại bản tự đánh giá cho %(u)s.")
                             % {"u": sub.unit.name})
            return redirect(form_url(assessment, sub.unit))
    return render(request, "assessments/entry/reopen.html",
                  {"assessment": assessment, "sub": sub, "unit": sub.unit, "form": form})


# --- appraisal ---------------------------------------------------------------------------------
@login_required
def appraisal_list(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(Assessment.objects.select_related("framework", "owner",
                                                                     "round"), pk=pk)
    assigned = appraisal.assigned_components(request.user, assessment)
    if assigned is not None and not assigned:
        raise PermissionDenied(_("Bạn không được phân công thẩm định kỳ đánh giá này."))
    rows = appraisal.queue(request.user, assessment)
    nodes = []
    if assigned is not None:
        nodes = list(FrameworkNode.objects.filter(pk__in=assigned).order_by("order", "pk"))
    return render(request, "assessments/entry/appraisal_list.html", {
        "assessment": assessment, "rows": rows, "assigned_nodes": nodes,
        "all_components": assigned is None})


@login_required
@unit_assessment
def appraisal_unit(request: HttpRequest, assessment: Assessment, sub: Submission
                   ) -> HttpResponse:
    user = request.user
    if not appraisal.may_appraise_unit(user, assessment, sub.unit):
        raise PermissionDenied(_("Bạn không được phân công thẩm định đơn vị này."))
    if sub.state not in appraisal.SENT_STATES:
        raise PermissionDenied(_("Đơn vị chưa gửi bản tự đánh giá: chưa thể thẩm định."))
    assigned = appraisal.assigned_components(user, assessment)
    secretariat = appraisal.is_secretariat(user, assessment)
    return render(request, "assessments/entry/appraisal_unit.html", {
        "assessment": assessment, "sub": sub, "unit": sub.unit,
        "groups": selfassess.build_rows(assessment, sub.unit, editable=False, only=assigned),
        "can_appraise": appraisal.can_appraise_now(user, assessment, sub),
        "is_secretariat": secretariat,
        "totals": selfassess.running_totals(assessment, sub.unit, "final_points")
        if secretariat else None,
        "states": S,
    })


@login_required
@require_POST
@unit_assessment
def appraisal_save(request: HttpRequest, assessment: Assessment, sub: Submission,
                   node_pk: int) -> HttpResponse:
    node = _node(assessment, node_pk)
    try:
        result = appraisal.appraise(assessment, sub, node, request.user,
                                    points=request.POST.get("points", ""),
                                    reason=request.POST.get("reason", ""),
                                    confirm=request.POST.get("confirm") == "1")
    except selfassess.Locked as exc:
        return _locked(request, exc)
    groups = selfassess.build_rows(assessment, sub.unit, editable=False, only={node.pk})
    row = groups[0].rows[0]
    return render(request, "assessments/entry/_appraisal_row.html", {
        "assessment": assessment, "sub": sub, "unit": sub.unit, "row": row,
        "result": result, "can_appraise": True})



# --- evidence files ------------------------------------------------------------------------------
@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Every evidence file is fetched at /minh-chung/<id>/tai-ve/ (the metrics app's
    `evidence_download`). This app's urls come first in chiso/urls.py and take that address,
    because `view` on the unit, all metrics checks, is not enough for the evidence of a
    component entry: an appraiser reaches every unit of the province but may read only
    the components assigned to them (`access.can_view_entry`). Other evidence, and the file
    itself, are left to the metrics view (which checks `view` on the unit again)."""
    evidence = get_object_or_404(Evidence.objects.only("pk", "owner_type", "owner_id"), pk=pk)
    if evidence.owner_type_id is not None and evidence.owner_id is not None:
        if evidence.owner_type_id == ContentType.objects.get_for_model(ComponentEntry).pk:
            entry = get_object_or_404(
                ComponentEntry.objects.select_related("assessment__round", "assessment__owner",
                                                      "unit"), pk=evidence.owner_id)
            access.require(access.can_view_entry(request.user, entry.assessment, entry.unit,
                                                 entry.node_id))
    return metrics_views.evidence_download(request, pk)
