"""The panels of the dashboards: what each one computes, and which events refresh it.

A panel is a function `(scope, filters, user) -> dict` rendered by the template
`dashboards/panels/<name>.html`. The page renders every panel at once; afterwards a live
event whose kind starts with one of the panel's `on` prefixes makes the browser refetch
that panel alone (`views.panel`), through the same permission checks.

Charts are described by a small dict (`chart`: kind, categories, series) that the
template turns both into an ECharts chart (static/chiso/dashboards/charts.js) and into a
table of the same numbers, for screen readers, printing and checking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.metrics.models import DataValue
from chiso.orgs.models import OrgUnit
from chiso.rounds import inbox
from chiso.rounds.models import ReportingRound, Submission

from . import figures
from .scope import Filters, compared_units

RECENT_DAYS = 120  # rounds whose deadline is older than this are history, not "open"
VALUE_EVENTS = ("value.", "submission.")


@dataclass(frozen=True)
class Panel:
    name: str
    title: str
    compute: Callable[[OrgUnit, Filters, object], dict]
    on: tuple[str, ...] = VALUE_EVENTS  # event kinds (prefixes) that refresh it
    wide: bool = False


LEADER: dict[str, Panel] = {}


def leader_panel(name: str, title: str, on: tuple[str, ...] = VALUE_EVENTS, wide: bool = False):
    def register(fn):
        LEADER[name] = Panel(name, title, fn, on, wide)
        return fn
    return register


# --- reporting rounds -----------------------------------------------------------------
def current_rounds(scope: OrgUnit, filters: Filters | None = None) -> list[ReportingRound]:
    """Rounds run inside the scope that are open or recently closed, with submissions
    (read once per request: three panels use them)."""
    key = ("rounds", scope.pk)
    if filters is not None and key in filters.extra:
        return filters.extra[key]
    day = timezone.localdate()
    found = list(ReportingRound.objects.filter(
        owner__path__startswith=scope.path, opens_on__lte=day,
        deadline__gte=day - dt.timedelta(days=RECENT_DAYS))
        .select_related("period", "owner").prefetch_related(inbox.SUBMISSIONS)
        .order_by("-deadline", "name"))
    if filters is not None:
        filters.extra[key] = found
    return found


def completeness_data(scope: OrgUnit, filters: Filters, user) -> dict:
    rows = []
    total = submitted = 0
    for rnd in current_rounds(scope, filters):
        c = inbox.completeness(rnd)
        total += c.total
        submitted += c.submitted
        rows.append({"round": rnd, "c": c, "url": reverse("round_detail", args=[rnd.pk])})
    chart = {
        "kind": "stacked_bar", "unit": "count",
        "categories": [r["round"].name for r in rows],
        "series": [
            {"name": _("Đúng hạn"), "data": [r["c"].on_time for r in rows], "tone": "ok"},
            {"name": _("Muộn"), "data": [r["c"].late for r in rows], "tone": "warn"},
            {"name": _("Chưa nộp"), "data": [r["c"].missing for r in rows], "tone": "bad"},
        ],
        "links": [r["url"] for r in rows],
    }
    return {"rows": rows, "total": total, "submitted": submitted,
            "pct": 100 * submitted / total if total else None, "chart": chart}


leader_panel("completeness", gettext_lazy("Tiến độ nộp báo cáo của các kỳ đang mở"))(completeness_data)


def _unsent(scope: OrgUnit, filters: Filters) -> list[Submission]:
    now = timezone.now()
    out = []
    for rnd in current_rounds(scope, filters):
        for sub in rnd.submissions.all():
            sub.round = rnd
            if sub.first_submitted_at is None and sub.is_past_deadline(now):
                out.append(sub)
    return out


@leader_panel("overdue", gettext_lazy("Đơn vị quá hạn nộp báo cáo"))
def overdue_data(scope: OrgUnit, filters: Filters, user) -> dict:
    """Forms past their deadline and never sent, by unit (most overdue first)."""
    today = timezone.localdate()
    by_unit: dict[int, dict] = {}
    for sub in _unsent(scope, filters):
        row = by_unit.setdefault(sub.unit_id, {"unit": sub.unit, "items": [], "days": 0})
        days = (today - sub.deadline).days
        row["items"].append({"round": sub.round, "days": days,
                             "url": reverse("submission_form", args=[sub.round.pk, sub.unit.code])})
        row["days"] = max(row["days"], days)
    rows = sorted(by_unit.values(), key=lambda r: (-len(r["items"]), -r["days"], r["unit"].name))
    return {"rows": rows, "count": sum(len(r["items"]) for r in rows)}


@leader_panel("silent", gettext_lazy("Ai đang im lặng"))
def silent_data(scope: OrgUnit, filters: Filters, user) -> dict:
    """Units that owe a form in the current rounds and have sent nothing, with the last
    time they touched any figure: the longest silence first."""
    owing: dict[int, dict] = {}
    for rnd in current_rounds(scope, filters):
        for sub in rnd.submissions.all():
            if sub.first_submitted_at is not None:
                continue
            row = owing.setdefault(sub.unit_id, {"unit": sub.unit, "rounds": 0})
            row["rounds"] += 1
    last = dict(DataValue.objects.filter(unit_id__in=list(owing)).values("unit_id").order_by()
                .annotate(at=Max("updated_at")).values_list("unit_id", "at"))
    far_past = timezone.make_aware(dt.datetime(1970, 1, 1))
    rows = []
    for unit_id, row in owing.items():
        row["last"] = last.get(unit_id)
        row["url"] = reverse("unit_detail", args=[row["unit"].code])
        rows.append(row)
    rows.sort(key=lambda r: (r["last"] or far_past, r["unit"].name))
    return {"rows": rows[:15], "count": len(rows)}


# --- rate metrics ---------------------------------------------------------------------
TREND_METRICS = 6


@leader_panel("metric_trend", gettext_lazy("Xu hướng các chỉ tiêu chính qua các năm"), wide=True)
def metric_trend_data(scope: OrgUnit, filters: Filters, user) -> dict:
    metrics = figures.rate_metrics()
    years = [y for y in figures.known_years() if y <= filters.year][-5:]
    figs = figures.by_year(metrics, scope, years)
    with_data = [m for m in metrics if any((m.pk, y) in figs for y in years)][:TREND_METRICS]
    series = [{"name": m.name, "code": m.code,
               "data": [_round(figs.get((m.pk, y))) for y in years]} for m in with_data]
    chart = {"kind": "line", "unit": "percent", "categories": [str(y) for y in years],
             "series": series,
             "links": [reverse("metric_detail", args=[m.code]) for m in with_data]}
    return {"chart": chart, "metrics": with_data}


@leader_panel("metric_heatmap", gettext_lazy("Bản đồ nhiệt: đơn vị × chỉ tiêu"), wide=True)
def metric_heatmap_data(scope: OrgUnit, filters: Filters, user) -> dict:
    metrics = figures.rate_metrics()
    units = compared_units(scope, filters)
    figs = figures.by_unit(metrics, units, filters.year)
    metrics = [m for m in metrics if any((m.pk, u.pk) in figs for u in units)]
    units_with = [u for u in units if any((m.pk, u.pk) in figs for m in metrics)]
    cells = [[j, i, _round(figs[(m.pk, u.pk)])]
             for i, u in enumerate(units_with) for j, m in enumerate(metrics)
             if (m.pk, u.pk) in figs]
    chart = {"kind": "heatmap", "unit": "percent",
             "x": [m.code for m in metrics], "x_names": [m.name for m in metrics],
             "y": [u.display_name for u in units_with], "cells": cells,
             "links": [reverse("unit_values", args=[u.code]) for u in units_with]}
    return {"chart": chart, "metrics": metrics, "units": units_with,
            "missing": [u for u in units if u not in units_with], "year": filters.year}


# The order of the leader's panels on the page: headline figures first, then what needs
# action, then the comparisons and trends.
LEADER_ORDER = ["dti_tiles", "plan_status", "completeness", "overdue", "overdue_tasks",
                "dti_radar", "dti_trend", "dti_ranking", "dti_heatmap", "targets_at_risk",
                "silent", "metric_trend", "metric_heatmap"]


def leader_names() -> list[str]:
    return [n for n in LEADER_ORDER if n in LEADER] + [n for n in LEADER if n not in LEADER_ORDER]


def filter_choices(unit: OrgUnit) -> dict:
    """Choices for the pillar and plan filters (plain values: they are cached)."""
    from .dti import pillar_choices
    from .plan_panels import plan_choices

    return {"pillars": pillar_choices(unit),
            "plans": [(p.pk, str(p)) for p in plan_choices(unit)]}


def _round(fig: figures.Figure | None, digits: int = 2) -> float | None:
    if fig is None or fig.value is None:
        return None
    return round(fig.value, digits)
