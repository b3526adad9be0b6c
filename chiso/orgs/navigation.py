"""Navigation by role. Each app adds its entries with `register()` in its AppConfig.ready,
so the menu only ever links to pages that exist and that the user may open."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)  # empty: every signed-in user
    superuser_only: bool = False
    order: int = 100

    def visible_to(self, user, user_roles: set[str]) -> bool:
        if self.superuser_only:
            return user.is_superuser
        return not self.roles or bool(self.roles & user_roles) or user.is_superuser


_ITEMS: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _ITEMS[item.key] = item


def items_for(user, user_roles: set[str], current_path: str = "") -> list[dict]:
    out = []
    for item in sorted(_ITEMS.values(), key=lambda i: (i.order, i.key)):
        if not item.visible_to(user, user_roles):
            continue
        url = reverse(item.url_name)
        out.append({"key": item.key, "label": item.label, "url": url, "active": False})
    # The current page belongs to the entry with the longest matching address, so that
    # /ke-hoach/viec-can-lam/ marks "Việc cần làm", not also "Kế hoạch" (/ke-hoach/).
    matches = [e for e in out if current_path == e["url"]
               or (e["url"] != "/" and current_path.startswith(e["url"]))]
    if matches:
        max(matches, key=lambda e: len(e["url"]))["active"] = True
    return out


# --- links on a unit's page ------------------------------------------------------------
# Apps above `orgs` (metrics, rounds, plans…) add pages about one unit; the unit's page
# lists them without `orgs` importing those apps, and only where the user may act.


@dataclass(frozen=True)
class UnitLink:
    key: str
    label: str | Promise
    url_name: str  # takes the unit's code as its only argument
    action: str = "view"  # checked with chiso.orgs.permissions.can
    order: int = 100


_UNIT_LINKS: dict[str, UnitLink] = {}


def register_unit_link(link: UnitLink) -> None:
    _UNIT_LINKS[link.key] = link


def unit_links_for(user, unit) -> list[dict]:
    from . import permissions

    out = []
    for link in sorted(_UNIT_LINKS.values(), key=lambda k: (k.order, k.key)):
        if permissions.can(user, link.action, unit):
            out.append({"key": link.key, "label": link.label,
                        "url": reverse(link.url_name, args=[unit.code])})
    return out


# --- where a user lands after signing in ------------------------------------------------
# Leaders want their dashboard first, reporters their workspace. Apps above `orgs` name
# their page here; the first one (by order) matching a user's roles wins, else "home".


@dataclass(frozen=True)
class Landing:
    url_name: str
    roles: frozenset[str]
    order: int = 100


_LANDINGS: dict[str, Landing] = {}


def register_landing(key: str, landing: Landing) -> None:
    _LANDINGS[key] = landing


def landing_url(user_roles: set[str]) -> str:
    for landing in sorted(_LANDINGS.values(), key=lambda x: x.order):
        if landing.roles & user_roles:
            return reverse(landing.url_name)
    return reverse("home")
