from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from . import entry, form_pages, inbox, reminders, workflow
from .forms import AssignmentForm, ReopenForm, RoundEditForm, RoundForm, default_form_spec
from .models import ReportingRound, RoundItem, RoundSection, Submission

S = Submission.State


# --- helpers ----------------------------------------------------------------------------
def submission_view(view: Callable) -> Callable:
    """For views under /ky-bao-cao/<pk>/don-vi/<code>/: loads the submission and requires
    "view" on its unit (404 if the unit is not in the round, 403 if not the user's)."""

    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, code: str, *args, **kwargs):
        unit = get_object_or_404(OrgUnit, code=code)
        permissions.require(request.user, "view", unit)
        sub = get_object_or_404(Submission.objects.select_related(
            "round", "round__period", "round__owner", "unit"), round_id=pk, unit=unit)
        return view(request, sub, *args, **kwargs)

    return wrapper


def visible_sections(user, sub: Submission) -> list[RoundSection]:
    """Reviewers see only the sections assigned to them; the unit's own people, the
    secretariat and readers (leaders) see the whole form."""
    sections = list(sub.round.sections.all())
    own = (permissions.can(user, "edit_data", sub.unit) or permissions.can(user, "approve", sub.unit)
           or workflow.is_secretariat(user, sub.round))
    if own or not permissions.can(user, "review", sub.unit):
        return sections
    return workflow.reviewable_sections(user, sub.round, sub.unit)


def form_url(sub: Submission) -> str:
    return reverse("submission_form", args=[sub.round_id, sub.unit.code])


def _round_for(request: HttpRequest, pk: int, action: str) -> ReportingRound:
    round = get_object_or_404(ReportingRound.objects.select_related("owner", "period"), pk=pk)
    permissions.require(request.user, action, round.owner)
    return round


# --- inbox ------------------------------------------------------------------------------
@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    entries = inbox.inbox_for(request.user, now)
    rounds = [inbox.completeness(r) for r in inbox.managed_rounds(request.user)
              .filter(deadline__gte=timezone.localdate(now) - dt.timedelta(days=120))]
    return render(request, "rounds/inbox.html", {
        "entries": entries, "completeness": rounds, "now": now,
        "can_bulk": any(e.kind == "review" for e in entries)})


# --- rounds (secretariat) ----------------------------------------------------------------
@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = inbox.managed_rounds(request.user)
    if not permissions.units_for(request.user, "manage").exists():
        raise PermissionDenied(_("Chỉ cơ quan thường trực quản lý kỳ báo cáo."))
    return render(request, "rounds/round_list.html", {
        "rows": [inbox.completeness(r) for r in rounds]})


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    if not permissions.units_for(request.user, "manage").exists():
        raise PermissionDenied(_("Chỉ cơ quan thường trực được tạo kỳ báo cáo."))
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    form = RoundForm(request.POST or None, user=request.user, initial={
        "form_spec": default_form_spec(), "period": f"{today.year}Q{quarter}",
        "opens_on": today, "deadline": today + dt.timedelta(days=14)})
    if request.method == "POST" and form.is_valid():
        round = form.save()
        messages.success(request, _("Đã tạo kỳ báo cáo “%(n)s”, gửi tới %(c)d đơn vị.")
                         % {"n": round.name, "c": round.submissions.count()})
        return redirect("round_detail", pk=round.pk)
    from chiso.metrics.models import Metric

    return render(request, "rounds/round_form.html", {
        "form": form, "metrics": Metric.objects.filter(active=True).order_by("code")})


@login_required
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round_for(request, pk, "manage")
    if not workflow.is_secretariat(request.user, round):
        raise PermissionDenied(_("Chỉ cơ quan thường trực được sửa kỳ báo cáo."))
    form = RoundEditForm(request.POST or None, user=request.user, round=round)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except workflow.WorkflowError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Đã lưu thay đổi của kỳ báo cáo “%(n)s”.")
                             % {"n": round.name})
            return redirect("round_detail", pk=round.pk)
    from chiso.metrics.models import Metric

    return render(request, "rounds/round_form.html", {
        "form": form, "round": round,
        "metrics": Metric.objects.filter(active=True).order_by("code")})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round_for(request, pk, "view")
    data = inbox.completeness(round, with_rows=True)
    can_manage = workflow.is_secretariat(request.user, round)
    return render(request, "rounds/round_detail.html", {
        "round": round, "c": data, "can_manage": can_manage,
        "sections": round.sections.prefetch_related("items__metric"),
        "assignments": round.assignments.select_related("reviewer", "section"),
        "assignment_form": AssignmentForm(round=round) if can_manage else None,
        "reminders": round.reminders.select_related("unit", "sent_by")[:20],
    })


@login_required
@require_POST
def round_remind(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round_for(request, pk, "manage")
    codes = request.POST.getlist("unit")
    units = OrgUnit.objects.filter(code__in=codes) if codes else None
    sent = reminders.send_reminders(round, request.user, units=units)
    messages.success(request, ngettext("Đã gửi nhắc nhở tới %(n)d đơn vị chưa nộp.",
                                       "Đã gửi nhắc nhở tới %(n)d đơn vị chưa nộp.",
                                       len(sent)) % {"n": len(sent)})
    return redirect("round_detail", pk=round.pk)


@login_required
@require_POST
def round_lock(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round_for(request, pk, "manage")
    locked = workflow.lock_accepted(round, request.user)
    messages.success(request, ngettext("Đã khóa %(n)d biểu mẫu đã chấp nhận.",
                                       "Đã khóa %(n)d biểu mẫu đã chấp nhận.",
                                       len(locked)) % {"n": len(locked)})
    return redirect("round_detail", pk=round.pk)


@login_required
@require_POST
def round_assign(request: HttpRequest, pk: int) -> HttpResponse:
    round = _round_for(request, pk, "manage")
    form = AssignmentForm(request.POST, round=round)
    if form.is_valid():
        form.save()
        messages.success(request, _("Đã phân công thẩm định."))
    else:
        messages.error(request, _("Chưa phân công được: %(e)s") % {
            "e": " ".join(str(e) for errs in form.errors.values() for e in errs)})
    return redirect("round_detail", pk=round.pk)


@login_required
@require_POST
def bulk_accept(request: HttpRequest) -> HttpResponse:
    ids = [int(x) for x in request.POST.getlist("submission") if x.isdigit()]
    subs = list(Submission.objects.filter(pk__in=ids).select_related("round", "unit"))
    for sub in subs:
        permissions.require(request.user, "review", sub.unit)
    done, failed = workflow.bulk_accept(subs, request.user)
    if done:
        messages.success(request, _("Đã chấp nhận %(n)d biểu mẫu.") % {"n": len(done)})
    for sub, message in failed:
        messages.error(request, f"{sub.unit.name}: {message}")
    return redirect("inbox")


# --- one unit's form --------------------------------------------------------------------
def _form_context(request: HttpRequest, sub: Submission) -> dict:
    user = request.user
    sections = visible_sections(user, sub)
    if not sections:
        raise PermissionDenied(_("Bạn không được phân công thẩm định biểu mẫu này."))
    editable = {s.pk for s in workflow.editable_sections(user, sub)}
    pending_review = []
    if sub.state in (S.SUBMITTED, S.RETURNED):
        reviewed = set(sub.reviews.values_list("section_id", flat=True))
        pending_review = [s for s in workflow.reviewable_sections(user, sub.round, sub.unit)
                          if s.pk not in reviewed]
    can_edit_data = permissions.can(user, "edit_data", sub.unit)
    can_approve = permissions.can(user, "approve", sub.unit)
    secretariat = workflow.is_secretariat(user, sub.round)
    return {
        "sub": sub, "round": sub.round, "unit": sub.unit,
        "correctable_sections": correctable_sections(user, sub),
        "sections": entry.build_rows(sub, sections, editable),
        "editable": bool(editable),
        "can_edit_data": can_edit_data,
        "can_approve": can_approve,
        "is_secretariat": secretariat,
        "show_actions": can_edit_data or can_approve or secretariat or bool(pending_review),
        "pending_review": pending_review,
        "missing": workflow.missing_items(sub) if can_edit_data and editable else [],
        "events": sub.events.select_related("actor").order_by("-at", "-pk")[:30],
        "past_deadline": sub.is_past_deadline(),
        "states": S,
    }


@login_required
@submission_view
def submission_form(request: HttpRequest, sub: Submission) -> HttpResponse:
    url = form_pages.elsewhere(sub)
    if url:  # e.g. an assessment round: its form is the self-assessment page
        return redirect(url)
    context = _form_context(request, sub)
    if request.GET.get("phan") == "con-thieu":  # refreshed by htmx after each save
        return render(request, "rounds/_missing.html", context)
    return render(request, "rounds/submission_form.html", context)


def correctable_sections(user, sub: Submission) -> set[int]:
    """Sections whose sent values this reviewer may correct: those they review, while
    the form is sent or accepted (not once locked)."""
    if sub.state not in (S.SUBMITTED, S.ACCEPTED):
        return set()
    return {s.pk for s in workflow.reviewable_sections(user, sub.round, sub.unit)}


@login_required
@submission_view
def correct_value(request: HttpRequest, sub: Submission, item_pk: int) -> HttpResponse:
    item = get_object_or_404(RoundItem.objects.select_related("metric", "section"),
                             pk=item_pk, round=sub.round_id)
    if item.section_id not in correctable_sections(request.user, sub):
        raise PermissionDenied(_("Bạn không được hiệu chỉnh số liệu này."))
    row = entry.row_for(sub, item, editable=False)
    if row.value is None:
        raise Http404(_("Đơn vị chưa nhập số liệu này."))
    problems: list[str] = []
    if request.method == "POST":
        result = entry.correct_value(sub, item, request.POST, request.user)
        if result.status == "saved":
            messages.success(request, _("Đã hiệu chỉnh “%(m)s”; lý do được ghi vào lịch sử.")
                             % {"m": item.metric.name})
            return redirect("submission_form", pk=sub.round_id, code=sub.unit.code)
        problems = result.messages
        row = entry.row_for(sub, item, editable=False)
    return render(request, "rounds/correct_value.html", {
        "sub": sub, "item": item, "row": row, "m": item.metric, "problems": problems,
        "reason": request.POST.get("reason", ""),
        "history": row.value.changes.select_related("changed_by")[:10]})


def _editable_item(request: HttpRequest, sub: Submission, item_pk: int) -> RoundItem:
    item = get_object_or_404(RoundItem.objects.select_related("metric", "section"),
                             pk=item_pk, round=sub.round_id)
    permissions.require(request.user, "edit_data", sub.unit)
    if item.section_id not in {s.pk for s in workflow.editable_sections(request.user, sub)}:
        raise PermissionDenied(_("Biểu mẫu đã khóa: không thể sửa số liệu lúc này."))
    return item


@login_required
@require_POST
@submission_view
def save_field(request: HttpRequest, sub: Submission, item_pk: int) -> HttpResponse:
    item = _editable_item(request, sub, item_pk)
    result = entry.save_field(sub, item, request.POST, request.user)
    row = entry.row_for(sub, item, editable=True)
    response = render(request, "rounds/_status.html", {"row": row, "result": result, "sub": sub})
    if result.status == "saved":
        response["HX-Trigger"] = "rounds:saved"  # the list of what is missing refreshes
    return response


@login_required
@require_POST
@submission_view
def upload_evidence(request: HttpRequest, sub: Submission, item_pk: int) -> HttpResponse:
    item = _editable_item(request, sub, item_pk)
    row = entry.row_for(sub, item, editable=True)
    error = ""
    upload = request.FILES.get("file")
    number, link = request.POST.get("document_number", ""), request.POST.get("url", "")
    if row.value is None:
        error = _("Hãy nhập số liệu trước khi đính kèm minh chứng.")
    elif upload is None and not (number.strip() or link.strip()):
        error = _("Chưa chọn tệp.")
    else:
        try:
            if upload is not None:
                entry.add_evidence(row.value, upload, request.user)
            else:
                entry.add_link(row.value, request.user, number=number, url=link,
                               day=request.POST.get("document_date", ""))
        except ValueError as err:
            error = str(err)
        row = entry.row_for(sub, item, editable=True)
    return render(request, "rounds/_evidence.html", {"row": row, "sub": sub, "error": error})


TRANSITIONS = {
    "trinh-duyet": lambda sub, user, post: workflow.request_approval(sub, user),
    "phe-duyet": lambda sub, user, post: workflow.approve(sub, user),
    "tu-choi-duyet": lambda sub, user, post: workflow.reject_approval(
        sub, user, post.get("reason", "")),
    "gui": lambda sub, user, post: workflow.submit(sub, user),
    "rut-lai": lambda sub, user, post: workflow.withdraw(sub, user),
    "chap-nhan": lambda sub, user, post: workflow.accept(
        sub, user, sections=_sections(sub, post), reason=post.get("reason", "")),
    "tra-lai": lambda sub, user, post: workflow.return_(
        sub, user, post.get("reason", ""), sections=_sections(sub, post)),
    "khoa": lambda sub, user, post: workflow.lock(sub, user),
}
DONE_MESSAGES = {
    "trinh-duyet": _lazy("Đã trình thủ trưởng phê duyệt."),
    "phe-duyet": _lazy("Đã phê duyệt; cán bộ đầu mối có thể gửi."),
    "tu-choi-duyet": _lazy("Đã trả lại cho cán bộ đầu mối."),
    "gui": _lazy("Đã gửi biểu mẫu."),
    "rut-lai": _lazy("Đã rút lại biểu mẫu; có thể tiếp tục sửa."),
    "chap-nhan": _lazy("Đã chấp nhận."),
    "tra-lai": _lazy("Đã trả lại cho đơn vị."),
    "khoa": _lazy("Đã khóa biểu mẫu."),
}


def _sections(sub: Submission, post) -> list[RoundSection] | None:
    ids = [int(x) for x in post.getlist("section") if x.isdigit()]
    if not ids:
        return None
    return list(sub.round.sections.filter(pk__in=ids))


@login_required
@require_POST
@submission_view
def transition(request: HttpRequest, sub: Submission, action: str) -> HttpResponse:
    if action not in TRANSITIONS:
        raise Http404
    try:
        TRANSITIONS[action](sub, request.user, request.POST)
    except workflow.WorkflowForbidden:
        raise
    except workflow.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, str(DONE_MESSAGES[action]))
    return redirect(form_url(sub))


@login_required
@submission_view
def reopen(request: HttpRequest, sub: Submission) -> HttpResponse:
    if not workflow.is_secretariat(request.user, sub.round):
        raise PermissionDenied(_("Chỉ cơ quan thường trực được mở lại biểu mẫu."))
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.reopen(sub, request.user, form.cleaned_data["new_deadline"],
                            form.cleaned_data["reason"])
        except workflow.WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã mở lại biểu mẫu cho %(u)s.") % {"u": sub.unit.name})
            return redirect("round_detail", pk=sub.round_id)
    return render(request, "rounds/reopen.html", {"sub": sub, "form": form})
