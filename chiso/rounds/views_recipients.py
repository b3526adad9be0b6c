"""The secretariat's page of a round's recipients: who receives the round, which units can
be taken off it (and why the others cannot), and the units removed, with their record and
a way back. The rules live in `workflow.remove_recipients` / `restore_recipient`."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from chiso.metrics.models import DataValue
from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from . import workflow
from .models import ReportingRound, Submission

UNIT_PARAM = "don-vi"  # ?don-vi=C1&don-vi=C2: the units chosen for removal


@dataclass
class Row:
    submission: Submission
    refusal: str | None  # None: can be removed
    values: int  # values the unit has entered for the form (kept on removal)

    @property
    def unit(self) -> OrgUnit:
        return self.submission.unit


def _secretariat_round(request: HttpRequest, pk: int) -> ReportingRound:
    round = get_object_or_404(ReportingRound.objects.select_related("owner", "period"), pk=pk)
    permissions.require(request.user, "view", round.owner)
    if not workflow.is_secretariat(request.user, round):
        raise PermissionDenied(_("Chỉ cơ quan thường trực được quản lý đơn vị nhận kỳ báo cáo."))
    return round


def rows_for(round: ReportingRound, subs: list[Submission]) -> list[Row]:
    """One row per submission; three queries plus the guards', for any number of units."""
    refusals = workflow.removal_refusals(round, subs)
    counts = dict(DataValue.objects.filter(
        period=round.period_id, metric__in=round.items.values("metric"),
        unit__in=[s.unit_id for s in subs]).order_by().values("unit")
        .annotate(n=Count("pk")).values_list("unit", "n"))
    return [Row(s, refusals.get(s.pk), counts.get(s.unit_id, 0)) for s in subs]


@login_required
def recipients(request: HttpRequest, pk: int) -> HttpResponse:
    round = _secretariat_round(request, pk)
    subs = list(round.submissions.select_related("unit", "round"))
    rows = rows_for(round, subs)
    return render(request, "rounds/recipients.html", {
        "round": round, "rows": rows, "removable": sum(r.refusal is None for r in rows),
        "exclusions": round.exclusions.select_related("unit", "removed_by", "restored_by"),
        "param": UNIT_PARAM})


@login_required
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what removing the chosen units means, and the reason to give; POST: do it."""
    round = _secretariat_round(request, pk)
    data = request.POST if request.method == "POST" else request.GET
    codes = list(dict.fromkeys(c for c in data.getlist(UNIT_PARAM) if c))
    subs = list(round.submissions.filter(unit__code__in=codes).select_related("unit", "round"))
    if not subs:
        messages.error(request, _("Chưa chọn đơn vị nào để bỏ khỏi kỳ báo cáo."))
        return redirect("round_recipients", pk=round.pk)
    error, reason = "", data.get("reason", "")
    if request.method == "POST":
        try:
            done = workflow.remove_recipients(round, [s.unit for s in subs], request.user,
                                              reason)
        except workflow.WorkflowForbidden:
            raise
        except workflow.WorkflowError as exc:
            error = exc.message
        else:
            messages.success(request, ngettext(
                "Đã bỏ %(n)d đơn vị khỏi kỳ báo cáo: %(u)s. Số liệu đã nhập được giữ nguyên.",
                "Đã bỏ %(n)d đơn vị khỏi kỳ báo cáo: %(u)s. Số liệu đã nhập được giữ nguyên.",
                len(done)) % {"n": len(done), "u": ", ".join(x.unit.name for x in done)})
            return redirect("round_recipients", pk=round.pk)
    rows = rows_for(round, subs)
    return render(request, "rounds/recipients_remove.html", {
        "round": round, "rows": rows, "error": error, "reason": reason, "param": UNIT_PARAM,
        "refused": [r for r in rows if r.refusal]})


@login_required
@require_POST
def restore(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    round = _secretariat_round(request, pk)
    unit = get_object_or_404(OrgUnit, code=code)
    try:
        workflow.restore_recipient(round, unit, request.user)
    except workflow.WorkflowForbidden:
        raise
    except workflow.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã thêm lại %(u)s vào kỳ báo cáo; biểu mẫu mới ở trạng "
                                    "thái đang nhập.") % {"u": unit.name})
    return redirect("round_recipients", pk=round.pk)
