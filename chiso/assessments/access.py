"""Who may see what of an assessment (built on `chiso.orgs.permissions`).

- Admins and leaders of the owner (or above it) see everything, provisional or published.
- A unit's own people (and anyone whose role reaches the unit) see that unit's score card,
  explanations and evidence, provisional or published. Before publication that is all a
  unit sees: a commune never sees another commune's self-assessment or results.
- After publication, by the assessment's `visibility`: OWNER keeps the rest to the
  owner's leaders and admins; UNITS lets the assessed units see the ranking and every
  score card; PUBLIC lets every signed-in user see them. Declared figures, explanations
  and evidence of another unit stay with that unit and the owner.
- An appraiser (reviewer) reaches every unit below their province with "view", but reads
  a unit's entries (declared figures, giải trình, points, evidence) only for the
  components assigned to them, and only once the unit has sent its self-assessment
  (`detail_scope`, the rule of `appraisal.visible_components`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from chiso.orgs.models import OrgUnit, Role
from chiso.orgs.permissions import can, memberships, units_for

from .models import Assessment

OVERSEERS = frozenset({Role.ADMIN, Role.LEADER})


def _reaches(user, unit: OrgUnit, roles: frozenset[str]) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return any(m.role in roles and unit.path.startswith(m.unit.path)
               for m in memberships(user))


def sees_all(user, assessment: Assessment) -> bool:
    """Admins and leaders of the owner (or of a unit above it)."""
    return _reaches(user, assessment.owner, OVERSEERS)


def can_manage(user, assessment: Assessment) -> bool:
    """Publish, recompute, plan improvements: the owner's secretariat (admin)."""
    return can(user, "manage", assessment.owner)


def is_assessed_member(user, assessment: Assessment) -> bool:
    """Does the user act for (or above) some unit of the assessment?"""
    if not getattr(user, "is_authenticated", False):
        return False
    return assessment.round.submissions.filter(unit__in=units_for(user, "view")).exists() \
        or assessment.results.filter(unit__in=units_for(user, "view")).exists()


def can_view_ranking(user, assessment: Assessment) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if sees_all(user, assessment):
        return True
    if not assessment.is_published:
        return False
    V = Assessment.Visibility
    if assessment.visibility == V.PUBLIC:
        return True
    if assessment.visibility == V.UNITS:
        return is_assessed_member(user, assessment)
    return False


def can_view_unit(user, assessment: Assessment, unit: OrgUnit) -> bool:
    """The unit's score card (its figures, points and rank)."""
    if sees_all(user, assessment) or can(user, "view", unit):
        return True
    return can_view_ranking(user, assessment)


def detail_scope(user, assessment: Assessment, unit: OrgUnit) -> set[int] | None:
    """The components whose entries (declared figures, giải trình, points, evidence) of
    `unit` the user may read: None = all of them; else only those ids (maybe none).

    The owner's leaders and admins, the unit's own people and anyone else whose role
    reaches the unit see everything; an appraiser whose only way to the unit is the
    reviewer role sees the components assigned to them, of a sent self-assessment."""
    from . import appraisal  # appraisal -> scoring -> models; access stays importable

    if sees_all(user, assessment):
        return None
    if not can(user, "view", unit):
        return set()
    if (can(user, "edit_data", unit) or can(user, "approve", unit)
            or _reaches(user, unit, OVERSEERS) or not can(user, "review", unit)):
        return None
    if appraisal.is_secretariat(user, assessment):
        return None
    state = (assessment.round.submissions.filter(unit=unit)
             .values_list("state", flat=True).first())
    if state not in appraisal.SENT_STATES:
        return set()
    return appraisal.assigned_components(user, assessment)


def can_view_details(user, assessment: Assessment, unit: OrgUnit) -> bool:
    """Declared figures, explanations (giải trình) and evidence of every component of the
    unit (an appraiser assigned only some components: no; see `detail_scope`)."""
    return detail_scope(user, assessment, unit) is None


def can_view_entry(user, assessment: Assessment, unit: OrgUnit, node_id: int) -> bool:
    """One component's entry of the unit, and its evidence."""
    scope = detail_scope(user, assessment, unit)
    return scope is None or node_id in scope


def can_plan(user, assessment: Assessment, unit: OrgUnit) -> bool:
    """Turn a weak component into a task: the owner's secretariat, or the unit's head."""
    return can_manage(user, assessment) or can(user, "approve", unit)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("Bạn không có quyền xem nội dung này của kỳ đánh giá.")


def visible_assessments(user):
    """Assessments whose ranking or own score card the user may open (for the list)."""
    qs = Assessment.objects.select_related("framework", "owner", "round").order_by("-year", "name")
    return [a for a in qs if can_view_ranking(user, a) or is_assessed_member(user, a)]
