"""Who may see a plan and who may write on a task, decided with `chiso.orgs.permissions`.

- A plan is visible to whoever may view its owner unit (the province's secretariat,
  leaders, reviewers; the national level sees every plan), and to the units it involves:
  the lead and coordinating units of its tasks and the lead units of its targets (a
  commune's reporter opens the provincial plan to update the task it was given).
- Progress of a task is written for its lead unit (chủ trì) only: by a user who may
  enter data for that unit. Coordinating units (phối hợp) add notes, each for itself.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from .models import Plan, Task


def visible_plans(user) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    units = permissions.units_for(user, "view").values("pk")
    involved = Plan.objects.filter(
        Q(owner__in=units) | Q(tasks__lead_unit__in=units)
        | Q(tasks__coordinating_units__in=units) | Q(targets__lead_unit__in=units))
    return Plan.objects.filter(pk__in=involved.values("pk"))


def can_view_plan(user, plan: Plan) -> bool:
    return visible_plans(user).filter(pk=plan.pk).exists()


def can_manage_plan(user, plan: Plan) -> bool:
    return permissions.can(user, "manage", plan.owner)


def oversees(user, unit: OrgUnit) -> bool:
    """Follows the whole subtree of `unit` (secretariat, leaders, reviewers): may open
    the "who is silent" page for it."""
    return permissions.can(user, "view", unit) and (
        user.is_superuser or permissions.has_any_role(user, permissions.SUBTREE_ROLES))


def can_report_progress(user, task: Task) -> bool:
    return not task.cancelled and permissions.can(user, "edit_data", task.lead_unit)


def note_units(user, task: Task) -> list[OrgUnit]:
    """The coordinating units for which the user may add a note."""
    if task.cancelled:
        return []
    return [u for u in task.coordinating_units.all() if permissions.can(user, "edit_data", u)]
