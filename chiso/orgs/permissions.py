"""The one place that decides who may see or change what.

Every view and API endpoint asks `can(user, action, unit)` (or uses the decorators
below); nothing else in the code base looks at roles directly.

How a role reaches units:
- admin (thường trực), leader (lãnh đạo) and reviewer (thẩm định) act on the unit they
  are a member of *and everything under it*: the province's secretariat sees every
  commune and agency of the province;
- reporter (đầu mối) and head (thủ trưởng) act for *exactly* their unit: the reporter of
  one commune never sees another commune's data, nor the province's.
- A Django superuser may do everything (system administration).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from .models import Membership, OrgUnit, OrgUnitQuerySet, Role

SUBTREE_ROLES = frozenset({Role.ADMIN, Role.LEADER, Role.REVIEWER})

# action -> roles allowed. Whether a role reaches only its unit or the subtree is
# decided by SUBTREE_ROLES above.
ACTIONS: dict[str, frozenset[str]] = {
    "view": frozenset({Role.ADMIN, Role.LEADER, Role.REVIEWER, Role.HEAD, Role.REPORTER}),
    "edit_data": frozenset({Role.ADMIN, Role.REPORTER}),
    "approve": frozenset({Role.ADMIN, Role.HEAD}),
    "review": frozenset({Role.ADMIN, Role.REVIEWER}),
    "view_members": frozenset({Role.ADMIN, Role.HEAD}),
    "manage": frozenset({Role.ADMIN}),
}


def memberships(user) -> list[Membership]:
    """The user's memberships, loaded once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_chiso_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit")
                      .order_by("unit__path", "role"))
        user._chiso_memberships = cached
    return cached


def with_memberships(users: QuerySet) -> QuerySet:
    """Users with their memberships loaded in one extra query, so that `can()` over many
    users (a list of possible reviewers, a unit's e-mail recipients) asks nothing more."""
    return users.prefetch_related(Prefetch(
        "memberships", queryset=Membership.objects.select_related("unit").order_by("unit__path", "role"),
        to_attr="_chiso_memberships"))


def roles(user) -> set[str]:
    """Every role the user holds anywhere (for navigation)."""
    found = {m.role for m in memberships(user)}
    if getattr(user, "is_superuser", False):
        found.add(Role.ADMIN)
    return found


def can(user, action: str, unit: OrgUnit) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}")
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    allowed = ACTIONS[action]
    for m in memberships(user):
        if m.role not in allowed:
            continue
        if m.unit_id == unit.pk:
            return True
        if m.role in SUBTREE_ROLES and unit.path.startswith(m.unit.path):
            return True
    return False


def require(user, action: str, unit: OrgUnit) -> None:
    if not can(user, action, unit):
        raise PermissionDenied("Bạn không có quyền truy cập đơn vị này.")


def units_for(user, action: str = "view") -> OrgUnitQuerySet:
    """Every unit the user may act on with `action`, as one query."""
    if not getattr(user, "is_authenticated", False):
        return OrgUnit.objects.none()
    if user.is_superuser:
        return OrgUnit.objects.all()
    allowed = ACTIONS[action]
    exact_ids: list[int] = []
    subtree_paths: list[str] = []
    for m in memberships(user):
        if m.role not in allowed:
            continue
        if m.role in SUBTREE_ROLES:
            subtree_paths.append(m.unit.path)
        else:
            exact_ids.append(m.unit_id)
    qs = OrgUnit.objects.subtrees(subtree_paths)
    if exact_ids:
        qs = qs | OrgUnit.objects.filter(pk__in=exact_ids)
    return qs.distinct()


def has_any_role(user, wanted: Iterable[str]) -> bool:
    return bool(roles(user) & set(wanted))


def unit_permission(action: str) -> Callable:
    """Decorator for views taking `code`: loads the unit and checks `action` on it.

    The view receives the unit instead of the code. Unknown codes give 404; known units
    the user may not act on give 403 (a unit's existence is public knowledge, its data
    is not).
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, code: str, *args, **kwargs):
            unit = get_object_or_404(OrgUnit, code=code)
            require(request.user, action, unit)
            return view(request, unit, *args, **kwargs)

        return wrapper

    return decorator
