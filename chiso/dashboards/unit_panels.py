"""The panels of a unit's dashboard: what it has to do, and how it compares with its peers.

A unit's dashboard shows that unit only (its people may see nothing else); peers appear
only as the average, the best and the unit's rank among them, never by name.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chiso.orgs.models import OrgUnit
from chiso.rounds import inbox
from chiso.rounds.models import Submission

from . import figures
from .panels import VALUE_EVENTS, Panel
from .scope import Filters

UNIT: dict[str, Panel] = {}


def unit_panel(name: str, title: str, on: tuple[str, ...] = VALUE_EVENTS, wide: bool = False):
    def register(fn):
        UNIT[name] = Panel(name, title, fn, on, wide)
        return fn
    return register


S = Submission.State


@unit_panel("unit_inbox", _("Việc cần làm của đơn vị"))
def unit_inbox_data(unit: OrgUnit, filters: Filters, user) -> dict:
    """The unit's forms still to send: returned for correction, overdue, due (as in the
    reporters' inbox, chiso.rounds.inbox, but for this unit whoever looks)."""
    now = timezone.now()
    today = timezone.localdate(now)
    entries = []
    subs = (Submission.objects.filter(unit=unit, round__opens_on__lte=today,
                                      state__in=(S.DRAFT, S.RETURNED, S.APPROVED,
                                                 S.PENDING_APPROVAL))
            .select_related("round", "round__period", "unit").prefetch_related("reviews"))
    for sub in subs:
        if sub.state == S.RETURNED:
            reasons = "; ".join(dict.fromkeys(r.reason for r in sub.reviews.all()
                                              if r.verdict == "returned" and r.reason))
            entries.append(inbox.InboxEntry("returned", sub, sub.deadline_end, reasons))
        elif sub.is_past_deadline(now) and not sub.has_submitted:
            entries.append(inbox.InboxEntry("overdue", sub, sub.deadline_end))
        elif not sub.is_past_deadline(now):
            entries.append(inbox.InboxEntry("due", sub, sub.deadline_end))
    entries.sort(key=lambda e: e.sort_key)
    rows = [{"entry": e, "url": reverse("submission_form", args=[e.submission.round_id,
                                                                  unit.code])}
            for e in entries]
    counts = {k: sum(1 for e in entries if e.kind == k) for k in ("overdue", "returned", "due")}
    return {"rows": rows, "counts": counts}


def peers_of(unit: OrgUnit) -> list[OrgUnit]:
    """Current units of the same kind under the same parent (the unit included)."""
    if unit.parent_id is None:
        return [unit]
    return list(OrgUnit.objects.filter(parent_id=unit.parent_id, kind=unit.kind,
                                       valid_to__isnull=True).order_by("name"))


@unit_panel("unit_metrics", _("Chỉ tiêu của đơn vị so với các đơn vị cùng loại"), wide=True)
def unit_metrics_data(unit: OrgUnit, filters: Filters, user) -> dict:
    peers = peers_of(unit)
    if unit not in peers:
        peers.append(unit)
    metrics = figures.rate_metrics()
    figs = figures.by_unit(metrics, peers, filters.year)
    rows = []
    for m in metrics:
        mine = figs.get((m.pk, unit.pk))
        values = [f.value for u in peers if (f := figs.get((m.pk, u.pk))) and f.value is not None]
        if mine is None or mine.value is None:
            continue
        better = [v for v in values if (v > mine.value if m.direction > 0 else v < mine.value)]
        rows.append({"metric": m, "value": mine.value, "rank": len(better) + 1,
                     "of": len(values), "mean": sum(values) / len(values),
                     "best": max(values) if m.direction > 0 else min(values),
                     "url": reverse("metric_detail", args=[m.code])})
    chart = {"kind": "bar_compare", "unit": "percent",
             "categories": [r["metric"].code for r in rows],
             "names": [r["metric"].name for r in rows],
             "series": [
                 {"name": str(_("Đơn vị")), "data": [round(r["value"], 2) for r in rows]},
                 {"name": str(_("Trung bình đơn vị cùng loại")),
                  "data": [round(r["mean"], 2) for r in rows]},
                 {"name": str(_("Cao nhất")), "data": [round(r["best"], 2) for r in rows]},
             ],
             "links": [r["url"] for r in rows]}
    return {"rows": rows, "chart": chart, "n_peers": len(peers) - 1, "year": filters.year}


@unit_panel("unit_scores", _("Điểm và thứ hạng của đơn vị"), on=("assessment.",))
def unit_scores_data(unit: OrgUnit, filters: Filters, user) -> dict:
    """The unit's total and pillars in the latest assessment the viewer may read, with
    its rank and the average and best of the units assessed with it (not named)."""
    from chiso.assessments.models import FrameworkNode, Result

    from .dti import assessment_of_unit, link

    a = assessment_of_unit(user, unit, filters.year)
    if a is None:
        return {"assessment": None}
    kinds = [FrameworkNode.Kind.TOTAL, FrameworkNode.Kind.PILLAR]
    nodes = list(a.framework.nodes.filter(kind__in=kinds).order_by("order", "pk"))
    mine = {r.node_id: r for r in Result.objects.filter(assessment=a, unit=unit, node__in=nodes)}
    group = next((r.group for r in mine.values() if r.group), "")
    origin = next((r.origin for r in mine.values()), Result.Origin.SCORED)
    peers = Result.objects.filter(assessment=a, node__in=nodes, score__isnull=False,
                                  origin=origin)  # the units ranked with it
    if group:
        peers = peers.filter(group=group)
    scores: dict[int, list[float]] = {}
    for node_id, score in peers.values_list("node_id", "score"):
        scores.setdefault(node_id, []).append(score)
    rows = []
    for n in nodes:
        r = mine.get(n.pk)
        if r is None:
            continue
        values = scores.get(n.pk, [])
        rows.append({"node": n, "score": r.score, "rank": r.rank_in_group or r.rank,
                     "of": len(values), "mean": sum(values) / len(values) if values else None,
                     "best": max(values) if values else None, "places": r.places})
    chart = {"kind": "bar_compare", "unit": "score", "categories": [r["node"].code for r in rows],
             "names": [r["node"].name for r in rows],
             "series": [{"name": str(_("Đơn vị")), "data": [r["score"] for r in rows]},
                        {"name": str(_("Trung bình")), "data": [_r4(r["mean"]) for r in rows]},
                        {"name": str(_("Cao nhất")), "data": [_r4(r["best"]) for r in rows]}]}
    return {"assessment": a, "rows": rows, "chart": chart,
            "url": link("assessments:scorecard", a.pk, unit.code)}


@unit_panel("unit_plans", _("Mục tiêu và nhiệm vụ của đơn vị"), on=("task.", "value.", "plan."),
            wide=True)
def unit_plans_data(unit: OrgUnit, filters: Filters, user) -> dict:
    """Targets measured on or led by the unit, tasks it leads, with their statuses."""
    from django.db.models import Q

    from chiso.plans.models import Target, Task
    from chiso.plans.status import target_statuses, task_statuses

    from .dti import link

    targets = list(Target.objects.filter(Q(unit=unit) | Q(lead_unit=unit))
                   .select_related("plan").order_by("plan", "order", "pk"))
    tasks = list(Task.objects.filter(lead_unit=unit).select_related("plan")
                 .order_by("due_date", "pk"))
    t_status = target_statuses(Target.objects.filter(pk__in=[t.pk for t in targets]))
    k_status = task_statuses(tasks)
    return {"targets": [{"target": t, "result": t_status[t.pk],
                         "url": link("target_detail", t.pk)} for t in targets],
            "tasks": [{"task": t, "result": k_status[t.pk], "url": link("task_detail", t.pk)}
                      for t in tasks]}


def _r4(v):
    return None if v is None else round(v, 4)
