"""What a dashboard is about: the unit in focus and the filters read from the URL.

Filters are plain GET parameters (`nam`, `tru_cot`, `loai`, `ke_hoach`) so that every view
of a dashboard is a bookmarkable link; unknown or malformed values are ignored rather
than refused (a stale bookmark still opens).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chiso.orgs import permissions
from chiso.orgs.models import Level, OrgUnit, Role

K = OrgUnit.Kind
# The unit-type filter: which units below the scope are compared.
UNIT_TYPES = {
    "xa": (_("Xã, phường, đặc khu"), [K.COMMUNE, K.WARD, K.SPECIAL_ZONE, K.TOWNSHIP]),
    "huyen": (_("Huyện, thị xã, thành phố (trước 01/07/2025)"),
              [K.DISTRICT, K.TOWN, K.PROVINCIAL_CITY]),
    "so": (_("Sở, ban, ngành"), [K.DEPARTMENT, K.BOARD, K.SECTOR, K.OFFICE]),
    "tinh": (_("Tỉnh, thành phố"), [K.PROVINCE, K.CENTRAL_CITY]),
}


@dataclass
class Filters:
    year: int
    pillar: str = ""
    unit_type: str = ""
    plan: int | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_request(cls, request, default_type: str = "") -> Filters:
        get = request.GET
        today = timezone.localdate()
        try:
            year = int(get.get("nam", ""))
            if not 2000 <= year <= today.year + 10:
                raise ValueError
        except ValueError:
            year = today.year
        unit_type = get.get("loai", "")
        if unit_type not in UNIT_TYPES:
            unit_type = default_type
        try:
            plan = int(get.get("ke_hoach", "")) or None
        except ValueError:
            plan = None
        return cls(year=year, pillar=get.get("tru_cot", "")[:40], unit_type=unit_type,
                   plan=plan)

    @property
    def kinds(self) -> list[str]:
        return list(UNIT_TYPES[self.unit_type][1]) if self.unit_type else []

    def query(self, **override) -> str:
        params = {"nam": self.year, "tru_cot": self.pillar, "loai": self.unit_type,
                  "ke_hoach": self.plan or ""}
        params.update(override)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def default_unit_type(unit: OrgUnit) -> str:
    return "tinh" if unit.level == Level.NATIONAL else ""


def compared_units(scope: OrgUnit, filters: Filters) -> list[OrgUnit]:
    """The units directly under the scope that the dashboard compares, as they were at
    the end of the chosen year: without a type filter, the provinces of the nation, or a
    province's communes (its districts before the 2025 reorganisation)."""
    end = dt.date(filters.year, 12, 31)
    children = scope.children.active_on(end) if end < today() else scope.children.current()
    if filters.unit_type:
        return list(children.filter(kind__in=filters.kinds).order_by("name"))
    for code in ("tinh", "xa", "huyen"):
        found = list(children.filter(kind__in=UNIT_TYPES[code][1]).order_by("name"))
        if found:
            return found
    return []


def leader_scope(user, wanted: str | None = None) -> OrgUnit | None:
    """The unit whose leader dashboard the user opens: the one asked for (if allowed),
    else the highest unit where the user holds a role that reaches a subtree."""
    if wanted:
        unit = OrgUnit.objects.filter(code=wanted).first()
        if unit is not None and permissions.can(user, "view", unit):
            return unit
        return None
    ms = [m for m in permissions.memberships(user) if m.role in permissions.SUBTREE_ROLES]
    if ms:
        return min(ms, key=lambda m: len(m.unit.path)).unit
    if user.is_superuser:
        return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    return None


def may_open_leader(user) -> bool:
    return user.is_superuser or permissions.has_any_role(user, permissions.SUBTREE_ROLES)


def today() -> dt.date:
    return timezone.localdate()


LEADER_ROLES = frozenset({Role.ADMIN, Role.LEADER, Role.REVIEWER})
