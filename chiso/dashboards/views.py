"""Dashboard pages: plain functions, permissions from chiso.orgs.permissions only.

Every page renders its panels on the server; `panel` views re-render one panel when a
live event says its numbers changed (see panels.py and static/chiso/dashboards/live.js).
"""

from __future__ import annotations

import time
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from chiso.lib import events
from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from . import panels, scope, unit_panels
from .scope import Filters


def timed(view):
    """Adds `Server-Timing: app;dur=…, cpu;dur=…` (milliseconds spent in the view,
    rendering included): browsers' developer tools show it, and the benchmark reads it."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        start, cpu = time.perf_counter(), time.thread_time()
        response = view(request, *args, **kwargs)
        # Wall time (waits for the database and, under load, for the interpreter lock) and
        # this thread's CPU time.
        response["Server-Timing"] = (f"app;dur={1000 * (time.perf_counter() - start):.1f}, "
                                     f"cpu;dur={1000 * (time.thread_time() - cpu):.1f}")
        return response
    return wrapper


def _leader_scope(request: HttpRequest) -> OrgUnit:
    if not scope.may_open_leader(request.user):
        raise PermissionDenied("Trang tổng quan dành cho lãnh đạo, cơ quan thường trực và tổ thẩm định.")
    unit = scope.leader_scope(request.user, request.GET.get("don_vi") or None)
    if unit is None:
        raise PermissionDenied("Bạn không có quyền xem tổng quan của đơn vị này.")
    return unit


CACHE_SECONDS = 60


def _render_panels(registry: dict, names, unit: OrgUnit, filters: Filters, user) -> list[str]:
    """Each panel's HTML, from the cache when nothing happened since it was rendered.

    The key holds the latest event id: any accepted value, task update or publication
    anywhere makes every panel recompute on its next request (that is also what makes the
    browsers ask). Changes that announce nothing (a new round, a deadline passing) show
    within CACHE_SECONDS; the date is in the key as well. The user is in the key because
    what a panel may show depends on who looks.
    """
    version = events.latest_id()
    common = (f"{unit.pk}:{getattr(user, 'pk', 0)}:{get_language()}:{filters.query()}:"
              f"{version}:{scope.today().isoformat()}")
    out = []
    for name in names:
        key = f"chiso:dash:{name}:{common}"
        html = cache.get(key)
        if html is None:
            p = registry[name]
            item = {"panel": p, "data": p.compute(unit, filters, user),
                    "template": f"dashboards/panels/{p.name}.html"}
            html = render_to_string("dashboards/_panel.html", {"p": item, "unit": unit,
                                                               "filters": filters})
            cache.set(key, html, CACHE_SECONDS)
        out.append(mark_safe(html))  # noqa: S308 (rendered by our own templates)
    return out


@login_required
@timed
def leader(request: HttpRequest) -> HttpResponse:
    unit = _leader_scope(request)
    filters = Filters.from_request(request, scope.default_unit_type(unit))
    base = reverse("dashboard_panel", args=["__name__"])
    return render(request, "dashboards/leader.html", {
        "unit": unit, "filters": filters, "unit_types": scope.UNIT_TYPES.items(),
        "panels": _render_panels(panels.LEADER, panels.leader_names(), unit, filters,
                                 request.user),
        "panel_url": base, "query": filters.query(don_vi=unit.code),
        "stream_url": reverse("dashboard_feed") + f"?don_vi={unit.code}",
        "years": _years(filters),
        "scopes": _other_scopes(request.user, unit),
        **_cached(f"chiso:dash:choices:{unit.pk}:{events.latest_id()}",
                  lambda: panels.filter_choices(unit)),
    })


@login_required
@timed
def leader_panel(request: HttpRequest, name: str) -> HttpResponse:
    if name not in panels.LEADER:
        raise Http404
    unit = _leader_scope(request)
    filters = Filters.from_request(request, scope.default_unit_type(unit))
    return HttpResponse(_render_panels(panels.LEADER, [name], unit, filters, request.user)[0])


@login_required
@permissions.unit_permission("view")
def unit_dashboard(request: HttpRequest, unit: OrgUnit) -> HttpResponse:
    filters = Filters.from_request(request)
    return render(request, "dashboards/unit.html", {
        "unit": unit, "filters": filters,
        "panels": _render_panels(unit_panels.UNIT, unit_panels.UNIT, unit, filters, request.user),
        "panel_url": reverse("unit_dashboard_panel", args=[unit.code, "__name__"]),
        "query": filters.query(),
        "stream_url": reverse("dashboard_feed") + f"?don_vi={unit.code}&chi_don_vi=1",
        "years": _years(filters),
    })


@login_required
@permissions.unit_permission("view")
def unit_dashboard_panel(request: HttpRequest, unit: OrgUnit, name: str) -> HttpResponse:
    if name not in unit_panels.UNIT:
        raise Http404
    filters = Filters.from_request(request)
    return HttpResponse(_render_panels(unit_panels.UNIT, [name], unit, filters, request.user)[0])


def _cached(key: str, compute):
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def _years(filters: Filters) -> list[int]:
    from .figures import known_years

    years = set(_cached("chiso:dash:years", known_years)) | {filters.year, scope.today().year}
    return sorted(years, reverse=True)


def _other_scopes(user, current: OrgUnit) -> list[OrgUnit]:
    """Units whose overview the user may switch to: their own subtree-role units and,
    for a national view, the provinces."""
    units = {m.unit.pk: m.unit for m in permissions.memberships(user)
             if m.role in permissions.SUBTREE_ROLES}
    if current.parent_id is None or len(units) == 0:
        for child in current.children.filter(valid_to__isnull=True,
                                             kind__in=scope.UNIT_TYPES["tinh"][1]).order_by("name"):
            units.setdefault(child.pk, child)
    return sorted(units.values(), key=lambda u: (len(u.path), u.name))
