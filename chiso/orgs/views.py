from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import navigation, permissions
from .context_processors import SESSION_KEY
from .forms import MembershipForm
from .models import Membership, OrgUnit, Role, UnitSuccession


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's workspace: the units they act for, and what each role lets
    them do there."""
    ms = permissions.memberships(request.user)
    unit_ids = {m.unit_id for m in ms}
    counts = {
        u.pk: u
        for u in OrgUnit.objects.filter(pk__in=unit_ids).annotate(
            n_children=Count("children", filter=Q(children__valid_to__isnull=True)))
    }
    cards = [{"membership": m, "unit": counts[m.unit_id]} for m in ms]
    return render(request, "orgs/home.html", {"cards": cards})


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """Where sign-in leads when no `next` page was asked for (LOGIN_REDIRECT_URL)."""
    return redirect(navigation.landing_url(permissions.roles(request.user)))


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    units = permissions.units_for(request.user, "view")
    kind = request.GET.get("loai", "")
    query = request.GET.get("q", "").strip()
    show_ended = request.GET.get("ca_da_ket_thuc") == "1"
    if not show_ended:
        units = units.filter(valid_to__isnull=True)
    if kind in OrgUnit.Kind.values:
        units = units.filter(kind=kind)
    if query:
        units = units.filter(Q(name__icontains=query) | Q(short_name__icontains=query)
                             | Q(code__iexact=query) | Q(official_code__iexact=query))
    units = units.order_by("path")
    page = Paginator(units, 200).get_page(request.GET.get("trang"))
    base_depth = min((u.depth for u in page.object_list), default=1)
    rows = [{"unit": u, "indent": u.depth - base_depth} for u in page.object_list]
    return render(request, "orgs/unit_list.html", {
        "page": page, "rows": rows, "kind": kind, "query": query, "show_ended": show_ended,
        "kinds": OrgUnit.Kind.choices,
    })


@login_required
@permissions.unit_permission("view")
def unit_detail(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    user = request.user
    children = unit.children.filter(valid_to__isnull=True).order_by("kind", "name")
    ended_children = unit.children.filter(valid_to__isnull=False).order_by("name")
    visible_ids = set(permissions.units_for(user, "view").filter(
        pk__in=[c.pk for c in children] + [c.pk for c in ended_children]
        + list(unit.successions.values_list("successor_id", flat=True))
        + list(unit.predecessions.values_list("predecessor_id", flat=True))
    ).values_list("pk", flat=True))
    members = None
    if permissions.can(user, "view_members", unit):
        members = Membership.objects.filter(unit=unit).select_related("user").order_by("role")
    return render(request, "orgs/unit_detail.html", {
        "unit": unit,
        "ancestors": unit.ancestors(),
        "children": children,
        "ended_children": ended_children,
        "predecessors": UnitSuccession.objects.filter(successor=unit).select_related("predecessor"),
        "successors": UnitSuccession.objects.filter(predecessor=unit).select_related("successor"),
        "visible_ids": visible_ids,
        "members": members,
        "can_manage": permissions.can(user, "manage", unit),
        "unit_links": navigation.unit_links_for(user, unit),
    })


@login_required
@require_POST
def switch_membership(request: HttpRequest) -> HttpResponse:
    """Choose which of one's units/roles to work as (header selector)."""
    wanted = request.POST.get("membership")
    for m in permissions.memberships(request.user):
        if str(m.pk) == wanted:
            request.session[SESSION_KEY] = m.pk
            break
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "home"
    return redirect(target)


@login_required
def members(request: HttpRequest) -> HttpResponse:
    """The secretariat's page: who holds which role in the units it manages."""
    manageable = permissions.units_for(request.user, "manage")
    if not manageable.exists():
        raise PermissionDenied(_("Chỉ cơ quan thường trực được quản lý thành viên."))
    form = MembershipForm(request.POST or None, manageable_units=manageable)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = data["user"]
        if user is None:
            temporary = secrets.token_urlsafe(9)
            user = get_user_model().objects.create_user(
                username=data["username"], password=temporary, last_name=data["full_name"])
            messages.success(request, _("Đã tạo tài khoản %(u)s với mật khẩu tạm thời: %(p)s "
                                        "(chỉ hiển thị một lần; người dùng cần đổi ngay khi đăng nhập).")
                             % {"u": user.username, "p": temporary})
        Membership.objects.create(user=user, unit=data["unit"], role=data["role"], title=data["title"])
        messages.success(request, _("Đã giao vai trò %(r)s tại %(unit)s cho %(u)s.") % {
            "r": Role(data["role"]).label, "unit": data["unit"].name, "u": user.username})
        return redirect("members")
    query = request.GET.get("q", "").strip()
    rows = (Membership.objects.filter(unit__in=manageable).select_related("user", "unit")
            .order_by("unit__path", "role", "user__username"))
    if query:
        rows = rows.filter(Q(user__username__icontains=query) | Q(user__last_name__icontains=query)
                           | Q(unit__name__icontains=query))
    page = Paginator(rows, 100).get_page(request.GET.get("trang"))
    return render(request, "orgs/members.html", {"form": form, "page": page, "query": query})


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("unit", "user"), pk=pk)
    permissions.require(request.user, "manage", membership.unit)
    membership.delete()
    messages.success(request, _("Đã thu hồi vai trò %(r)s của %(u)s tại %(unit)s.") % {
        "r": membership.get_role_display(), "u": membership.user.username, "unit": membership.unit.name})
    return redirect("members")


def healthz(request: HttpRequest) -> HttpResponse:
    OrgUnit.objects.exists()  # touches the database
    return HttpResponse("ok", content_type="text/plain")
