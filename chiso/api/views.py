"""The signed-in user's API tokens: create (shown once) and revoke."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .forms import TokenForm
from .models import ApiToken


@never_cache  # the page that shows a new token must not be kept by any cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["lifetime"]
        expires = timezone.now() + dt.timedelta(days=int(days)) if days else None
        token, new_token = ApiToken.issue(request.user, form.cleaned_data["name"], expires)
        form = TokenForm()
    rows = ApiToken.objects.filter(user=request.user)
    return render(request, "api/tokens.html", {"form": form, "rows": rows, "new_token": new_token})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's token is simply not found: its existence is not revealed.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoke()
    messages.success(request, _("Đã thu hồi khóa “%(name)s”.") % {"name": token.name})
    return redirect("api_tokens")


def unversioned(request: HttpRequest, rest: str) -> HttpResponse:
    """/api/<rest> → /api/v1/<rest> with a 308, so a POST stays a POST with its body (no
    permission is checked here: the target checks the token as usual)."""
    target = f"/api/v1/{rest}"
    if request.META.get("QUERY_STRING"):
        target += f"?{request.META['QUERY_STRING']}"
    return HttpResponsePermanentRedirect(target, preserve_request=True)  # 308
