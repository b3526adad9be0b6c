"""Plan panels: targets and tasks by status, the targets most at risk with their forecast,
and overdue tasks by lead unit. Statuses and forecasts come from `chiso.plans.status` and
`chiso.plans.counts` (derived there, never here)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.orgs.models import OrgUnit
from chiso.plans import counts as plan_counts
from chiso.plans.models import Plan, Target, Task
from chiso.plans.status import TargetStatus, TaskStatus

from .dti import link
from .panels import leader_panel
from .scope import Filters

PLAN_EVENTS = ("task.", "value.", "plan.")
RISK = {TargetStatus.NOT_ACHIEVED: 0, TargetStatus.AT_RISK: 1}


def plans_in(scope: OrgUnit, filters: Filters):
    """Plans owned by the scope or a unit under it (the one chosen in the filter)."""
    qs = Plan.objects.filter(owner__path__startswith=scope.path)
    if filters.plan:
        qs = qs.filter(pk=filters.plan)
    return qs


def counts_for(scope: OrgUnit, filters: Filters) -> plan_counts.Counts:
    """Statuses of the scope's targets and tasks, computed once per request (three panels
    read them; `filters.extra` lives as long as the request)."""
    key = ("plan_counts", scope.pk)
    if key not in filters.extra:
        plan_scope = plan_counts.Scope(plans=plans_in(scope, filters),
                                       pillar=filters.pillar or None)
        filters.extra[key] = plan_counts.count(plan_scope, timezone.localdate())
    return filters.extra[key]


@leader_panel("plan_status", gettext_lazy("Mục tiêu và nhiệm vụ theo tình trạng"),
              on=PLAN_EVENTS)
def plan_status_data(scope: OrgUnit, filters: Filters, user) -> dict:
    c = counts_for(scope, filters)
    if not c.n_targets and not c.n_tasks:
        return {"empty": True}
    target_rows = [r for r in c.target_rows()]
    task_rows = [r for r in c.task_rows()]
    chart = {"kind": "stacked_bar", "unit": "count",
             "categories": [_("Mục tiêu"), _("Nhiệm vụ")],
             "series": []}
    tone = {TargetStatus.EXCEEDED: "ok", TargetStatus.ACHIEVED: "ok",
            TargetStatus.AT_RISK: "warn", TargetStatus.NOT_ACHIEVED: "bad",
            TaskStatus.DONE: "ok", TaskStatus.OVERDUE: "bad", TaskStatus.DONE_LATE: "warn"}
    for r in target_rows:
        if r["count"]:
            chart["series"].append({"name": str(r["label"]), "data": [r["count"], 0],
                                    "tone": tone.get(r["status"])})
    for r in task_rows:
        if r["count"]:
            chart["series"].append({"name": str(r["label"]), "data": [0, r["count"]],
                                    "tone": tone.get(r["status"])})
    return {"empty": False, "targets": target_rows, "tasks": task_rows, "c": c,
            "chart": chart, "plans_url": link("plan_list")}


@leader_panel("targets_at_risk", gettext_lazy("Mục tiêu có nguy cơ không đạt và dự báo"),
              on=PLAN_EVENTS, wide=True)
def targets_at_risk_data(scope: OrgUnit, filters: Filters, user) -> dict:
    c = counts_for(scope, filters)
    risky = [r for r in c.target_results.values() if r.status in RISK]
    targets = {t.pk: t for t in Target.objects.filter(pk__in=[r.target_id for r in risky])
               .select_related("plan", "metric")}
    rows = []
    for r in risky:
        line = min(r.lines, key=lambda ln: TargetStatus.SEVERITY[ln.status])
        forecast = line.projection.value if line.projection is not None else None
        gap = None
        if forecast is not None and line.goal:
            gap = (forecast - line.goal) / abs(line.goal)
        rows.append({"target": targets[r.target_id], "result": r, "line": line,
                     "forecast": forecast, "gap": gap,
                     "url": link("target_detail", r.target_id)})
    rows.sort(key=lambda x: (RISK[x["result"].status], x["gap"] if x["gap"] is not None else 0))
    rows = rows[:10]
    chart = {"kind": "bar_compare", "unit": "number",
             "categories": [x["target"].code or str(x["target"].pk) for x in rows],
             "names": [x["target"].statement[:80] for x in rows],
             "series": [{"name": _("Mục tiêu"), "data": [x["line"].goal for x in rows]},
                        {"name": _("Hiện đạt"), "data": [x["line"].value for x in rows]},
                        {"name": _("Dự báo đến hạn"), "data": [
                            None if x["forecast"] is None else round(x["forecast"], 2)
                            for x in rows]}],
             "links": [x["url"] for x in rows]}
    return {"rows": rows, "chart": chart if rows else None}


@leader_panel("overdue_tasks", gettext_lazy("Nhiệm vụ quá hạn theo đơn vị chủ trì"),
              on=PLAN_EVENTS)
def overdue_tasks_data(scope: OrgUnit, filters: Filters, user) -> dict:
    c = counts_for(scope, filters)
    late_ids = [tid for tid, r in c.task_results.items() if r.status == TaskStatus.OVERDUE]
    tasks = Task.objects.filter(pk__in=late_ids).select_related("lead_unit").order_by("due_date")
    by_unit: dict[int, dict] = {}
    for t in tasks:
        row = by_unit.setdefault(t.lead_unit_id, {"unit": t.lead_unit, "tasks": []})
        row["tasks"].append({"task": t, "days": c.task_results[t.pk].days_late,
                             "url": link("task_detail", t.pk)})
    rows = sorted(by_unit.values(), key=lambda r: (-len(r["tasks"]), r["unit"].name))
    return {"rows": rows, "count": len(late_ids)}


def plan_choices(scope: OrgUnit) -> list[Plan]:
    return list(Plan.objects.filter(owner__path__startswith=scope.path)
                .order_by("-start_year", "number")[:50])
