"""Bearer-token authentication for the API."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken, hash_token

# Writing last_used on every request would turn every read into a write; a minute's
# precision is enough to tell whether a key is still in use.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def user_for_token(raw: str):
    """The active user behind a usable token, or None (missing, wrong, revoked, expired)."""
    if not raw:
        return None
    now = timezone.now()
    token = (ApiToken.objects.usable(now).select_related("user")
             .filter(token_hash=hash_token(raw.strip())).first())
    if token is None or not token.user.is_active:
        return None
    if token.last_used is None or now - token.last_used > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            # Views and the permission module read request.user, as in the web pages.
            request.user = user
        return user
