from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import navigation, permissions
from .models import Role

SESSION_KEY = "chiso_current_membership"


def current_membership(request: HttpRequest):
    """The membership the user is working as (chosen in the header), else the first."""
    ms = permissions.memberships(request.user)
    if not ms:
        return None
    wanted = request.session.get(SESSION_KEY)
    for m in ms:
        if m.pk == wanted:
            return m
    return ms[0]


def workspace(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    user_roles = permissions.roles(user)
    current = current_membership(request)
    items = navigation.items_for(user, user_roles, request.path)
    if current and current.role in (Role.REPORTER, Role.HEAD):
        # Those who act for exactly one unit get a direct way to it.
        url = reverse("unit_detail", args=[current.unit.code])
        items.insert(1, {"key": "my_unit", "label": _("Đơn vị của tôi"), "url": url,
                         "active": request.path == url})
    return {
        "nav_items": items,
        "my_memberships": permissions.memberships(user),
        "current_membership": current,
        "my_roles": user_roles,
    }
