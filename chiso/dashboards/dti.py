"""DTI panels of the leader's dashboard, read from the results the assessments app wrote.

Nothing is scored here: `chiso.assessments.scoring` (through the engine) wrote every
score, rank and change into `Result`; official figures published before any assessment
was run here are `PublishedResult` rows. These functions only choose which rows to show:

- the scope's own figures (DTI, rank, change, pillars) come from the latest assessment in
  which the scope itself was scored (a national DTI of provinces), else from the official
  published results;
- the comparison of the units under the scope (ranking bars, heat map of main indices)
  comes from the latest assessment the scope (or a unit under it) ran over its units.

A leader reads provisional results of assessments run inside their subtree (marked
"tạm tính"); results of assessments run above it are shown only once published.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.assessments import scoring
from chiso.assessments.models import TOTAL_CODE, Assessment, FrameworkNode, PublishedResult, Result
from chiso.orgs import permissions
from chiso.orgs.models import OrgUnit

from .panels import leader_panel
from .scope import Filters, compared_units

K = FrameworkNode.Kind
DTI_EVENTS = ("assessment.",)


def link(name: str, *args) -> str | None:
    """A drill-down link, or None while the page it would open does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def readable(user, scope: OrgUnit):
    """Assessments whose results the user may read on a dashboard about `scope`."""
    qs = Assessment.objects.select_related("framework", "owner")
    if user is None or getattr(user, "is_superuser", False):
        return qs
    own = Q(owner__in=permissions.units_for(user, "view"))
    published = Q(state=Assessment.State.PUBLISHED) & ~Q(visibility=Assessment.Visibility.OWNER)
    return qs.filter(own | published)


def assessment_of_unit(user, unit: OrgUnit, year: int) -> Assessment | None:
    """The latest assessment (year ≤ `year`) in which `unit` itself has a total score."""
    found = (readable(user, unit).filter(year__lte=year, results__unit=unit,
                                         results__node__kind=K.TOTAL)
             .order_by("-year", "-state", "-pk").distinct().first())
    return scoring.ensure_current(found) if found is not None else None


def assessment_over(user, scope: OrgUnit, year: int) -> Assessment | None:
    """The latest assessment (year ≤ `year`) run by the scope itself (the nation's DTI of
    provinces), else by a unit under it (a province's own index of its communes)."""
    qs = readable(user, scope).filter(year__lte=year, results__isnull=False)
    for cond in ({"owner": scope}, {"owner__path__startswith": scope.path}):
        found = qs.filter(**cond).order_by("-year", "-pk").distinct().first()
        if found is not None:
            # Provisional results whose entries changed are scored again before reading,
            # as the assessments pages do.
            return scoring.ensure_current(found)
    return None


def _nodes(assessment: Assessment, kinds) -> list[FrameworkNode]:
    return list(assessment.framework.nodes.filter(kind__in=kinds).order_by("order", "pk"))


def _pillar_filter(nodes: list[FrameworkNode], pillar: str) -> list[FrameworkNode]:
    """Main indices under the chosen pillar (by code), all of them without a filter."""
    if not pillar:
        return nodes
    return [n for n in nodes if n.parents.filter(code=pillar).exists()] or nodes


# --- the scope's own figures ----------------------------------------------------------
@leader_panel("dti_tiles", gettext_lazy("Chỉ số DTI, xếp hạng và thay đổi"), on=DTI_EVENTS)
def dti_tiles_data(scope: OrgUnit, filters: Filters, user) -> dict:
    a = assessment_of_unit(user, scope, filters.year)
    if a is not None:
        results = {r.node.code: r for r in Result.objects.filter(
            assessment=a, unit=scope, node__kind__in=[K.TOTAL, K.PILLAR]).select_related("node")}
        total = next((r for r in results.values() if r.node.kind == K.TOTAL), None)
        # Ranked among the units of the same origin: a 2022 assessment ranks the 63
        # provinces of then; the post-merger provinces' means are ranked on their own.
        n_ranked = Result.objects.filter(assessment=a, node=total.node, origin=total.origin,
                                         rank__isnull=False).count()
        return {"source": "assessment", "assessment": a, "year": a.year, "total": total,
                "score": total.score, "rank": total.rank, "of": n_ranked,
                "change": total.change, "places": total.places,
                "pillars": [r for r in results.values() if r.node.kind == K.PILLAR],
                "url": link("assessments:scorecard", a.pk, scope.code) or link("assessments:ranking", a.pk)}
    official = list(PublishedResult.objects.filter(unit=scope, node_code=TOTAL_CODE,
                                                   year__lte=filters.year).order_by("-year")[:2])
    if official:
        now, before = official[0], (official[1] if len(official) > 1 else None)
        return {"source": "official", "year": now.year, "score": now.value, "rank": now.rank,
                "of": now.rank_of,
                "change": (now.value - before.value) if before and before.value is not None
                and now.value is not None else None,
                "places": (before.rank - now.rank) if before and before.rank and now.rank else None,
                "pillars": list(PublishedResult.objects.filter(unit=scope, year=now.year)
                                .filter(node_code__in=_total_and_pillar_codes())
                                .exclude(node_code=TOTAL_CODE).order_by("node_code")),
                "note": now.source_note}
    return {"source": None}


@leader_panel("dti_radar", gettext_lazy("Các trụ cột so với trung bình và đơn vị dẫn đầu"),
              on=DTI_EVENTS)
def dti_radar_data(scope: OrgUnit, filters: Filters, user) -> dict:
    a = assessment_of_unit(user, scope, filters.year)
    if a is None:
        return {"chart": None}
    pillars = [n for n in _nodes(a, [K.PILLAR])]
    if not pillars:
        return {"chart": None}
    own = Result.objects.filter(assessment=a, unit=scope, node__in=pillars).values_list(
        "origin", flat=True).first() or Result.Origin.SCORED
    rows = Result.objects.filter(assessment=a, node__in=pillars, score__isnull=False,
                                 origin=own)  # average and best of the same ranking
    by_node: dict[int, list[float]] = {}
    mine: dict[int, float] = {}
    for node_id, unit_id, score in rows.values_list("node_id", "unit_id", "score"):
        by_node.setdefault(node_id, []).append(score)
        if unit_id == scope.pk:
            mine[node_id] = score
    chart = {"kind": "radar", "unit": "score", "categories": [p.name for p in pillars],
             "max": [1.0] * len(pillars),
             "series": [
                 {"name": scope.display_name, "data": [_r(mine.get(p.pk)) for p in pillars]},
                 {"name": _("Trung bình"), "data": [_r(_mean(by_node.get(p.pk))) for p in pillars]},
                 {"name": _("Cao nhất"), "data": [_r(max(by_node.get(p.pk) or [None],
                                                        key=lambda v: -1 if v is None else v))
                                                  for p in pillars]},
             ]}
    return {"chart": chart, "assessment": a}


def _total_and_pillar_codes() -> set[str]:
    """Codes that name the DTI or a pillar in any framework (official figures carry only
    a code: "CQS", "KTS", "XHS")."""
    return {TOTAL_CODE} | set(FrameworkNode.objects.filter(
        kind__in=[K.TOTAL, K.PILLAR]).values_list("code", flat=True))


@leader_panel("dti_trend", gettext_lazy("Chỉ số DTI và các trụ cột qua các năm"), on=DTI_EVENTS)
def dti_trend_data(scope: OrgUnit, filters: Filters, user) -> dict:
    """One point per year: the scope's own result in that year's assessment, else the
    official published figure."""
    by_year: dict[int, dict[str, float | None]] = {}
    names: dict[str, str] = {TOTAL_CODE: "DTI"}
    # Official figures also list main indices; the trend keeps the DTI and its pillars.
    for r in PublishedResult.objects.filter(unit=scope, year__lte=filters.year,
                                            node_code__in=_total_and_pillar_codes()):
        by_year.setdefault(r.year, {})[r.node_code] = r.value
        names.setdefault(r.node_code, r.node_name or r.node_code)
    results = (Result.objects.filter(assessment__in=readable(user, scope), unit=scope,
                                     assessment__year__lte=filters.year,
                                     node__kind__in=[K.TOTAL, K.PILLAR])
               .select_related("node", "assessment").order_by("assessment__year", "assessment_id"))
    for r in results:
        code = TOTAL_CODE if r.node.kind == K.TOTAL else r.node.code
        by_year.setdefault(r.assessment.year, {})[code] = r.score
        if code != TOTAL_CODE:
            names.setdefault(code, r.node.name)
    years = sorted(by_year)
    codes = [TOTAL_CODE] + sorted(c for c in names if c != TOTAL_CODE)
    series = [{"name": names[c], "code": c, "data": [_r(by_year[y].get(c)) for y in years]}
              for c in codes if any(by_year[y].get(c) is not None for y in years)]
    return {"chart": {"kind": "line", "unit": "score", "categories": [str(y) for y in years],
                      "series": series} if series else None}


# --- the units under the scope ------------------------------------------------------
@leader_panel("dti_ranking", gettext_lazy("Xếp hạng các đơn vị"), on=DTI_EVENTS, wide=True)
def dti_ranking_data(scope: OrgUnit, filters: Filters, user) -> dict:
    a = assessment_over(user, scope, filters.year)
    if a is None:
        return {"chart": None}
    kinds = set(filters.kinds or [u.kind for u in compared_units(scope, filters)])
    total = a.framework.nodes.filter(kind=K.TOTAL).first()
    if total is None:
        return {"chart": None, "assessment": a}
    base = Result.objects.filter(assessment=a, node=total, score__isnull=False,
                                 origin=Result.Origin.SCORED,  # one ranking, not two mixed
                                 unit__path__startswith=scope.path).select_related("unit")
    rows = list(base.filter(unit__kind__in=kinds).order_by("rank", "unit__name")) if kinds else []
    if not rows:  # the unit-type filter matched nobody: show every unit assessed
        rows = list(base.order_by("rank", "unit__name"))
    chart = {"kind": "ranking", "unit": "score",
             "categories": [r.unit.display_name for r in rows],
             "series": [{"name": _("Chỉ số"), "data": [_r(r.score) for r in rows]}],
             "ranks": [r.rank for r in rows],
             "links": [link("assessments:scorecard", a.pk, r.unit.code) or link("unit_detail", r.unit.code)
                       for r in rows]}
    return {"chart": chart, "assessment": a, "rows": rows}


@leader_panel("dti_heatmap", gettext_lazy("Bản đồ nhiệt: đơn vị × chỉ số chính"), on=DTI_EVENTS,
              wide=True)
def dti_heatmap_data(scope: OrgUnit, filters: Filters, user) -> dict:
    a = assessment_over(user, scope, filters.year)
    if a is None:
        return {"chart": None}
    mains = _pillar_filter(_nodes(a, [K.MAIN]), filters.pillar)
    if not mains:
        return {"chart": None, "assessment": a}
    results = list(Result.objects.filter(assessment=a, node__in=mains, score__isnull=False,
                                         origin=Result.Origin.SCORED,
                                         unit__path__startswith=scope.path)
                   .select_related("unit").order_by("unit__name"))
    units: dict[int, OrgUnit] = {}
    for r in results:
        units.setdefault(r.unit_id, r.unit)
    order = sorted(units.values(), key=lambda u: u.name)
    y_index = {u.pk: i for i, u in enumerate(order)}
    x_index = {n.pk: i for i, n in enumerate(mains)}
    cells = [[x_index[r.node_id], y_index[r.unit_id], _r(r.score)] for r in results]
    chart = {"kind": "heatmap", "unit": "score", "x": [n.code for n in mains],
             "x_names": [n.name for n in mains], "y": [u.display_name for u in order],
             "cells": cells,
             "links": [link("assessments:scorecard", a.pk, u.code) or link("unit_detail", u.code)
                       for u in order]}
    return {"chart": chart, "assessment": a}


def pillar_choices(scope: OrgUnit) -> list[tuple[str, str]]:
    """The pillars of the framework of the latest assessment run in or above the scope."""
    a = (Assessment.objects.filter(owner__path__startswith=scope.path).order_by("-year").first()
         or Assessment.objects.filter(owner__in=scope.ancestors()).order_by("-year").first())
    if a is None:
        return []
    return [(n.code, n.name) for n in _nodes(a, [K.PILLAR])]


def _mean(values):
    return sum(values) / len(values) if values else None


def _r(v, digits: int = 4):
    return None if v is None else round(float(v), digits)
