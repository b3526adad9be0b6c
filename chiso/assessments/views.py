"""Pages of DTI assessments: list, ranking (with downloads), a unit's score card, the
explanation of any score, comparison of units, the gap to the top, publishing.

Every view checks `access` before reading anything about a unit.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.orgs.models import OrgUnit
from chiso.orgs.permissions import can, units_for

from . import access, reading, scoring, selfassess, tables
from .models import Assessment, ComponentEntry, FrameworkNode, ImprovementLink, Result

K = FrameworkNode.Kind


def _assessment(pk: int) -> Assessment:
    """The assessment, its provisional results brought up to date with its entries."""
    assessment = get_object_or_404(
        Assessment.objects.select_related("framework", "owner", "round"), pk=pk)
    return scoring.ensure_current(assessment)


def _unit(code: str) -> OrgUnit:
    return get_object_or_404(OrgUnit, code=code)


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    items = [{"a": a, "ranking": access.can_view_ranking(request.user, a),
              "own": list(units_for(request.user).filter(
                  pk__in=a.round.submissions.values("unit_id")).order_by("path")[:3])}
             for a in access.visible_assessments(request.user)]
    return render(request, "assessments/list.html", {"items": items})


@login_required
def unit_assessments(request: HttpRequest, code: str) -> HttpResponse:
    """Every assessment in which a unit has results, with its total and rank."""
    unit = _unit(code)
    rows = []
    for r in (Result.objects.filter(unit=unit, node__kind=K.TOTAL)
              .select_related("assessment__framework", "assessment__owner", "assessment__round")
              .order_by("-assessment__year")):
        if access.can_view_unit(request.user, r.assessment, unit):
            rows.append(r)
    if not rows and not can(request.user, "view", unit):
        raise PermissionDenied(_("Bạn không có quyền xem đơn vị này."))
    return render(request, "assessments/unit.html", {"unit": unit, "rows": rows})


# --- ranking ------------------------------------------------------------------------------
@login_required
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(pk)
    access.require(access.can_view_ranking(request.user, assessment))
    with_main = request.GET.get("chi-tiet") == "1"
    nodes = reading.headline_nodes(assessment, with_main)
    total = nodes[0]
    has_merged = reading.has_merged(assessment)
    after_merger = request.GET.get("sau-sap-xep") == "1" and has_merged
    rows = (reading.post_merger_rows(assessment, nodes) if after_merger
            else reading.ranking_rows(assessment, nodes))
    groups = assessment.groups or []
    group = request.GET.get("nhom", "")
    if group and not after_merger:
        rows = [r for r in rows if r.group == group]
    sort = request.GET.get("sap-xep", "")
    if sort and sort != "ten" and sort not in {n.code for n in nodes}:
        sort = ""
    rows = reading.sort_rows(rows, sort, total.code, in_group=bool(group))
    fmt = request.GET.get("tai", "")
    if fmt in ("xlsx", "csv"):
        return tables.download(assessment, nodes, rows, fmt, in_group=bool(group))
    card_url = reverse("assessments:scorecard", args=[assessment.pk, "__CODE__"])
    return render(request, "assessments/ranking.html", {
        "assessment": assessment, "nodes": nodes, "groups": groups, "group": group,
        "sort": sort, "with_main": with_main, "after_merger": after_merger,
        "has_merged": has_merged, "count": len(rows),
        "body": tables.ranking_body(rows, nodes, card_url, in_group=bool(group),
                                    bands=bool(assessment.framework.bands)),
        "has_bands": bool(assessment.framework.bands),
        "manage": access.can_manage(request.user, assessment),
        "group_labels": {g.get("code"): g.get("label", g.get("code")) for g in groups},
    })


# --- a unit -------------------------------------------------------------------------------
def _node_tree(assessment: Assessment) -> tuple[list[FrameworkNode], dict[int, list]]:
    nodes = list(assessment.framework.nodes.prefetch_related("parents").order_by("order", "pk"))
    children: dict[int, list[FrameworkNode]] = {n.pk: [] for n in nodes}
    for n in nodes:
        for p in n.parents.all():
            children[p.pk].append(n)
    return nodes, children


@login_required
def scorecard(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = _assessment(pk)
    unit = _unit(code)
    access.require(access.can_view_unit(request.user, assessment, unit))
    results = reading.unit_results(assessment, unit)
    if not results:
        raise Http404(_("Đơn vị không có kết quả trong kỳ đánh giá này."))
    nodes, children = _node_tree(assessment)
    total = next(n for n in nodes if n.kind == K.TOTAL)
    pillars = [n for n in nodes if n.kind == K.PILLAR and n.max_points > 0]
    mains = [n for n in nodes if n.kind == K.MAIN and n.max_points > 0]
    group = results[total.code].group
    stats = reading.peer_stats(assessment, [total, *pillars, *mains], group or None)
    details = access.can_view_details(request.user, assessment, unit)
    entries = {e.node_id: e for e in ComponentEntry.objects.filter(
        assessment=assessment, unit=unit)} if details else {}
    components = []
    for m in mains:
        rows = [(c, entries.get(c.pk)) for c in children[m.pk] if c.kind == K.COMPONENT]
        components.append((m, results.get(m.code), rows))
    strengths, weaknesses = reading.strengths_and_weaknesses(assessment, unit)
    chart = {
        "radar": {"indicators": [{"name": p.name, "max": 1} for p in pillars],
                  "unit": [results[p.code].score if p.code in results else None for p in pillars],
                  "average": [stats[p.code][0] for p in pillars],
                  "best": [stats[p.code][1] for p in pillars],
                  "labels": [unit.display_name, _("Trung bình"), _("Cao nhất")]},
        "bars": {"names": [m.name for m in mains],
                 "unit": [results[m.code].score if m.code in results else None for m in mains],
                 "average": [stats[m.code][0] for m in mains],
                 "labels": [unit.display_name, _("Trung bình")]},
    }
    return render(request, "assessments/scorecard.html", {
        "assessment": assessment, "unit": unit, "total": results[total.code],
        "total_node": total, "pillars": [(p, results.get(p.code), stats[p.code]) for p in pillars],
        "mains": [(m, results.get(m.code), stats[m.code]) for m in mains],
        "components": components, "details": details, "chart_json": json.dumps(chart),
        "strengths": strengths, "weaknesses": weaknesses,
        "ranking": access.can_view_ranking(request.user, assessment),
        "plan": access.can_plan(request.user, assessment, unit),
        "group_label": next((g.get("label", g.get("code")) for g in assessment.groups or []
                             if g.get("code") == group), group),
    })


@login_required
def explain(request: HttpRequest, pk: int, code: str, node_code: str) -> HttpResponse:
    """From any score down to what makes it: children and their points; for a
    component, the declared figures, the rule's own explanation, giải trình, evidence."""
    assessment = _assessment(pk)
    unit = _unit(code)
    scope = access.detail_scope(request.user, assessment, unit)
    access.require(scope is None or bool(scope))
    nodes, children = _node_tree(assessment)
    node = next((n for n in nodes if n.code == node_code), None)
    if node is None:
        raise Http404(_("Không có chỉ số này trong bộ chỉ số."))
    # an appraiser assigned some components: those components only
    access.require(scope is None or (node.kind == K.COMPONENT and node.pk in scope))
    results = reading.unit_results(assessment, unit)
    context = {"assessment": assessment, "unit": unit, "node": node,
               "result": results.get(node.code),
               "parents": sorted(node.parents.all(), key=lambda p: (p.order, p.pk))}
    if node.kind == K.COMPONENT:
        entry = (ComponentEntry.objects.filter(assessment=assessment, unit=unit, node=node)
                 .select_related("appraised_by").first())
        context["entry"] = entry
        if entry is not None:
            context["rule_text"] = selfassess.with_labels(
                node, scoring.explain_entries(node, [entry])[0], entry.declared or {})
            labels = {d.get("name"): d for d in node.declared or []}
            context["declared"] = [(labels.get(k, {}).get("label", k), _show(labels.get(k), v))
                                   for k, v in (entry.declared or {}).items()]
            context["evidence"] = list(entry.evidence.all())
    else:
        entries = {e.node_id: e for e in ComponentEntry.objects.filter(
            assessment=assessment, unit=unit, node__in=children[node.pk])}
        rows = []
        for child in children[node.pk]:
            if child.kind == K.COMPONENT:
                e = entries.get(child.pk)
                na = e is not None and e.not_applicable or not child.applies_to_kind(unit.kind)
                rows.append({"node": child, "points": None if na or e is None else e.final_points,
                             "score": None, "na": na, "entry": e})
            else:
                r = results.get(child.code)
                rows.append({"node": child, "score": r.score if r else None,
                             "points": r.points if r else None, "na": r is None or r.score is None})
        applicable_max = sum(r["node"].max_points for r in rows if not r["na"])
        for r in rows:
            earned = r["points"] if r["points"] is not None else (
                None if r["score"] is None else r["score"] * r["node"].max_points)
            r["earned"] = earned
            r["share"] = (earned / applicable_max if earned is not None and applicable_max
                          else None)
        context.update(rows=rows, applicable_max=applicable_max)
    return render(request, "assessments/explain.html", context)


def _show(spec: dict | None, value) -> str:
    if spec and spec.get("type") == "yes_no":
        return _("Có") if value in (True, 1, "1") else (_("Không") if value not in (None, "") else "–")
    if spec and spec.get("type") == "choice":
        for c in spec.get("choices") or []:
            if str(c.get("code")) == str(value):
                return str(c.get("label"))
    if isinstance(value, float | int):
        from chiso.lib.formatting import format_number
        return format_number(value, 0 if float(value).is_integer() else 2)
    return "–" if value in (None, "") else str(value)


# --- comparison ---------------------------------------------------------------------------
@login_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(pk)
    codes = [c for c in request.GET.getlist("don-vi") if c][:6]
    units = list(OrgUnit.objects.filter(code__in=codes))
    for unit in units:
        access.require(access.can_view_unit(request.user, assessment, unit))
    units.sort(key=lambda u: codes.index(u.code))
    nodes = reading.headline_nodes(assessment, with_main=True)
    per_unit = {u.pk: reading.unit_results(assessment, u) for u in units}
    rows = [(n, [per_unit[u.pk].get(n.code) for u in units]) for n in nodes]
    pillars = [n for n in nodes if n.kind == K.PILLAR]
    chart = {"indicators": [{"name": p.name, "max": 1} for p in pillars],
             "series": [{"name": u.display_name,
                         "value": [getattr(per_unit[u.pk].get(p.code), "score", None)
                                   for p in pillars]} for u in units]}
    candidates = (Result.objects.filter(assessment=assessment, node__kind=K.TOTAL,
                                        origin=Result.Origin.SCORED)
                  .select_related("unit").order_by("unit__name"))
    if not access.can_view_ranking(request.user, assessment):
        candidates = candidates.filter(unit__in=units_for(request.user))
    return render(request, "assessments/compare.html", {
        "assessment": assessment, "units": units, "rows": rows,
        "chart_json": json.dumps(chart), "candidates": [r.unit for r in candidates],
        "chosen": codes})


# --- improvement --------------------------------------------------------------------------
@login_required
def gap(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = _assessment(pk)
    unit = _unit(code)
    access.require(access.can_view_details(request.user, assessment, unit))
    try:
        k = max(1, min(int(request.GET.get("top", 25)), 10000))
    except ValueError:
        k = 25
    targets_nodes = reading.headline_nodes(assessment, with_main=True)
    target = request.GET.get("chi-so", "")
    target = target if target in {n.code for n in targets_nodes} else targets_nodes[0].code
    # Where the assessment ranks within groups (sở / xã …), the unit aims at the top k of
    # its own group by default ("pham-vi=tat-ca": of every assessed unit).
    own_group = reading.ranked_group(assessment, unit)
    within = own_group is not None and request.GET.get("pham-vi", "nhom") != "tat-ca"
    plan = reading.gap_to_top(assessment, unit, k, target,
                              group=own_group[0] if within else "")
    if plan is None:
        raise Http404(_("Đơn vị không thuộc kỳ đánh giá này."))
    links = {link.node_id: link for link in ImprovementLink.objects.filter(
        assessment=assessment, unit=unit).select_related("target_unit")}
    targets = [unit, *OrgUnit.objects.filter(parent=assessment.owner, valid_to__isnull=True,
                                             kind__in=OrgUnit.AGENCY_KINDS).order_by("name")]
    steps = [(node, before, after, maximum, links.get(node.pk))
             for node, before, after, maximum in plan.steps]
    return render(request, "assessments/gap.html", {
        "assessment": assessment, "unit": unit, "k": k, "plan": plan, "steps": steps,
        "target_nodes": targets_nodes, "target": target,
        "own_group": own_group, "within": within,
        "targets": targets, "plan_allowed": access.can_plan(request.user, assessment, unit)})


@login_required
@require_POST
def make_task(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = _assessment(pk)
    unit = _unit(code)
    access.require(access.can_plan(request.user, assessment, unit))
    node = get_object_or_404(FrameworkNode, framework=assessment.framework,
                             code=request.POST.get("node", ""), kind=K.COMPONENT)
    target = get_object_or_404(OrgUnit, code=request.POST.get("target", ""))
    try:
        gap_points = float(request.POST.get("points", "") or "nan")
    except ValueError:
        gap_points = float("nan")
    link, created = ImprovementLink.objects.update_or_create(
        assessment=assessment, unit=unit, node=node,
        defaults={"target_unit": target, "created_by": request.user,
                  "points_gap": None if gap_points != gap_points else gap_points,
                  "note": request.POST.get("note", "").strip()[:2000]})
    messages.success(request, _("Đã ghi nhận đề xuất nhiệm vụ cho “%(n)s”, giao %(u)s.")
                     % {"n": node.name, "u": target.display_name})
    url = reverse("assessments:gap", args=[assessment.pk, unit.code])
    query = {"top": request.POST.get("top", 25), "chi-so": request.POST.get("chi-so", "")}
    if request.POST.get("pham-vi") == "tat-ca":
        query["pham-vi"] = "tat-ca"
    query = urlencode(query)
    return redirect(f"{url}?{query}")


# --- the secretariat ----------------------------------------------------------------------
@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(pk)
    access.require(access.can_manage(request.user, assessment))
    scoring.publish(assessment, request.user)
    messages.success(request, _("Đã công bố kết quả “%(a)s”.") % {"a": assessment.name})
    return redirect("assessments:ranking", pk=assessment.pk)


@login_required
@require_POST
def recompute(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(pk)
    access.require(access.can_manage(request.user, assessment))
    scoring.recompute(assessment)
    messages.success(request, _("Đã tính lại điểm và xếp hạng."))
    return redirect("assessments:ranking", pk=assessment.pk)
