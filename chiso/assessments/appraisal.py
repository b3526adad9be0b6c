"""Appraisal (thẩm định) of submitted self-assessments, component by component.

An appraiser is assigned groups of components (`AppraiserAssignment`: the nodes listed
and every component under them; no nodes: the whole framework). They see only those
components, and only of self-assessments that have been sent; for each one they confirm
the unit's points or change them with a written reason. Three points are kept: self,
appraised, final (the appraised points when there are any). When the final points of a
component change, the assessment is scored again by `scoring.recompute` (the engine); no
score is computed here.

The secretariat (cơ quan thường trực: "manage" on the assessment's owner) may appraise
every component.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.lib.formatting import format_number, parse_number
from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit
from chiso.rounds import workflow
from chiso.rounds.models import Submission

from . import scoring
from .models import AppraiserAssignment, Assessment, ComponentEntry, FrameworkNode
from .selfassess import Locked

K = FrameworkNode.Kind
S = Submission.State
# A self-assessment is the appraisers' to read once the unit has sent it.
SENT_STATES = (S.SUBMITTED, S.RETURNED, S.ACCEPTED, S.LOCKED)


def is_secretariat(user, assessment: Assessment) -> bool:
    return permissions.can(user, "manage", assessment.owner)


def _components_under(framework_id: int, roots: list[FrameworkNode]) -> set[int]:
    """Component ids under the given nodes (a node may have several parents: a graph)."""
    children: dict[int, list[int]] = {}
    through = FrameworkNode.parents.through
    for child_id, parent_id in through.objects.filter(
            from_frameworknode__framework_id=framework_id).values_list(
            "from_frameworknode_id", "to_frameworknode_id"):
        children.setdefault(parent_id, []).append(child_id)
    kinds = dict(FrameworkNode.objects.filter(framework_id=framework_id)
                 .values_list("pk", "kind"))
    out: set[int] = set()
    stack = [r.pk for r in roots]
    seen: set[int] = set()
    while stack:
        pk = stack.pop()
        if pk in seen:
            continue
        seen.add(pk)
        if kinds.get(pk) == K.COMPONENT:
            out.add(pk)
        stack.extend(children.get(pk, []))
    return out


def assigned_components(user, assessment: Assessment) -> set[int] | None:
    """The component ids `user` appraises in the assessment; None means all of them (the
    secretariat, or an assignment naming no nodes); an empty set, none."""
    if is_secretariat(user, assessment):
        return None
    a = (AppraiserAssignment.objects.filter(assessment=assessment, user=user)
         .prefetch_related("nodes").first())
    if a is None:
        return set()
    roots = list(a.nodes.all())
    if not roots:
        return None
    return _components_under(assessment.framework_id, roots)


def may_appraise_unit(user, assessment: Assessment, unit: OrgUnit) -> bool:
    if not permissions.can(user, "review", unit):
        return False
    assigned = assigned_components(user, assessment)
    return assigned is None or bool(assigned)


def visible_components(user, assessment: Assessment, sub: Submission) -> set[int] | None:
    """What `user` may read of the unit's self-assessment: None = all of it (the unit's own
    people, the secretariat, readers such as leaders), else the assigned components of a
    sent self-assessment. Raises PermissionDenied when nothing."""
    unit = sub.unit
    permissions.require(user, "view", unit)
    own = (permissions.can(user, "edit_data", unit) or permissions.can(user, "approve", unit)
           or is_secretariat(user, assessment))
    if own or not permissions.can(user, "review", unit):
        return None
    if sub.state not in SENT_STATES:
        raise PermissionDenied(_("Đơn vị chưa gửi bản tự đánh giá: chưa thể thẩm định."))
    assigned = assigned_components(user, assessment)
    if assigned is not None and not assigned:
        raise PermissionDenied(_("Bạn không được phân công thẩm định kỳ đánh giá này."))
    return assigned


def can_appraise_now(user, assessment: Assessment, sub: Submission) -> bool:
    """Points may be changed while the self-assessment waits for appraisal."""
    return sub.state == S.SUBMITTED and may_appraise_unit(user, assessment, sub.unit)


# --- one component ------------------------------------------------------------------------
@dataclass
class AppraisalResult:
    status: str  # saved, invalid
    entry: ComponentEntry
    messages: list[str]
    recomputed: bool = False


def _points(raw: str, node: FrameworkNode) -> float:
    raw = (raw or "").strip()
    if not raw:
        raise ValueError(_("Chưa nhập điểm thẩm định."))
    try:
        value = float(parse_number(raw, lang="vi"))
    except ValueError as err:
        raise ValueError(_("Điểm thẩm định: %(e)s") % {"e": err}) from None
    if not 0 <= value <= node.max_points:
        raise ValueError(_("Điểm thẩm định phải từ 0 đến %(m)s.")
                         % {"m": format_number(node.max_points, 2, lang="vi",
                                               strip_zeros=True)})
    return value


@transaction.atomic
def appraise(assessment: Assessment, sub: Submission, node: FrameworkNode, user, *,
             points: str, reason: str, confirm: bool = False,
             now: dt.datetime | None = None) -> AppraisalResult:
    """Confirm the unit's points (`confirm`) or set others; a change needs a reason."""
    if not may_appraise_unit(user, assessment, sub.unit):
        raise PermissionDenied(_("Bạn không được phân công thẩm định đơn vị này."))
    assigned = assigned_components(user, assessment)
    if assigned is not None and node.pk not in assigned:
        raise PermissionDenied(_("Bạn không được phân công thẩm định thành phần “%(c)s”.")
                               % {"c": node.code})
    sub = Submission.objects.select_for_update().get(pk=sub.pk)
    if sub.state != S.SUBMITTED:
        raise Locked(_("Chỉ thẩm định được bản tự đánh giá đang chờ thẩm định "
                                 "(trạng thái hiện tại: %(s)s).") % {"s": sub.get_state_display()})
    entry = (ComponentEntry.objects.select_for_update().select_related("node")
             .get(assessment=assessment, unit=sub.unit, node=node))
    reason = (reason or "").strip()
    if entry.not_applicable:
        return AppraisalResult("invalid", entry, [
            _("Đơn vị đánh dấu thành phần này không áp dụng; nếu không đồng ý, hãy trả lại "
              "bản tự đánh giá kèm lý do.")])
    if confirm:
        value = entry.self_points if entry.self_points is not None else 0.0
    else:
        try:
            value = _points(points, node)
        except ValueError as err:
            return AppraisalResult("invalid", entry, [str(err)])
    self_pts = entry.self_points if entry.self_points is not None else 0.0
    if abs(value - self_pts) > 1e-9 and not reason:
        return AppraisalResult("invalid", entry, [
            _("Điểm thẩm định khác điểm tự đánh giá: cần ghi lý do điều chỉnh.")])
    old_final = entry.final_points
    entry.appraised_points = value
    entry.appraisal_reason = reason
    entry.appraised_by = user
    entry.appraised_at = now or timezone.now()
    entry.save()
    recomputed = False
    if old_final != entry.final_points:
        scoring.recompute(assessment)
        recomputed = True
    return AppraisalResult("saved", entry, [], recomputed)


# --- the appraiser's queue ------------------------------------------------------------------
@dataclass
class QueueRow:
    sub: Submission
    assigned: int
    appraised: int
    changed: int

    @property
    def done(self) -> bool:
        return self.assigned > 0 and self.appraised >= self.assigned


def queue(user, assessment: Assessment) -> list[QueueRow]:
    """Sent self-assessments of the units the user may appraise, with progress on the
    components assigned to them."""
    assigned = assigned_components(user, assessment)
    if assigned is not None and not assigned:
        return []
    reviewable = permissions.units_for(user, "review")
    subs = list(Submission.objects.filter(round=assessment.round_id, state__in=SENT_STATES,
                                          unit__in=reviewable)
                .select_related("unit", "round").order_by("unit__path"))
    entries = ComponentEntry.objects.filter(assessment=assessment,
                                            unit__in=[s.unit_id for s in subs])
    if assigned is not None:
        entries = entries.filter(node__in=assigned)
    counts: dict[int, list[int]] = {}
    for unit_id, appraised, self_pts, na in entries.values_list(
            "unit_id", "appraised_points", "self_points", "not_applicable"):
        c = counts.setdefault(unit_id, [0, 0, 0])
        c[0] += 1
        if appraised is not None or na:
            c[1] += 1
        if appraised is not None and self_pts is not None and abs(appraised - self_pts) > 1e-9:
            c[2] += 1
    return [QueueRow(s, *counts.get(s.unit_id, [0, 0, 0])) for s in subs]


def return_to_unit(assessment: Assessment, sub: Submission, user, reason: str,
                   now: dt.datetime | None = None) -> Submission:
    """Send the self-assessment back with reasons (the workflow's return)."""
    if not may_appraise_unit(user, assessment, sub.unit):
        raise workflow.WorkflowForbidden(_("Bạn không được phân công thẩm định đơn vị này."))
    return workflow.return_(sub, user, reason, now=now)
