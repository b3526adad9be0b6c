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
        active = current_path == url or (url != "/" and current_path.startswith(url))
        out.append({"key": item.key, "label": item.label, "url": url, "active": active})
    return out
