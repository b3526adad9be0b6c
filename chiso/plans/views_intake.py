"""Pages for getting plans in and keeping them up to date: each unit's to-do list, who is
silent, pasting or uploading a plan's targets and tasks, copying a plan to next year.

Permissions come from `chiso.orgs.permissions` only: a unit's list is seen by whoever may
view that unit (its own people, and the province's secretariat, leaders and reviewers);
plans are filled in and copied only by those who manage the plan's owner.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from . import inbox


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
