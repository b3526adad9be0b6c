from django.http import HttpRequest

from . import navigation, permissions

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
    return {
        "nav_items": navigation.items_for(user, user_roles, request.path),
        "my_memberships": permissions.memberships(user),
        "current_membership": current_membership(request),
        "my_roles": user_roles,
    }
