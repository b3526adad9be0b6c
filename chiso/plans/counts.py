"""Targets and tasks by status, for any plan, pillar, unit or period, and the sentences
reports write with them, computed:

- "6 tháng đầu năm 2023 có 8 chỉ tiêu, 5 nhiệm vụ được hoàn thành" (`period_sentence`):
  targets achieved or exceeded at the end of the period, tasks completed within it;
- "Đến hết năm 2022 đã đạt và vượt kế hoạch 11 mục tiêu, 19 nhiệm vụ"
  (`cumulative_sentence`): targets achieved or exceeded and tasks completed by then;
- "Kế hoạch đề ra 35 chỉ tiêu, 52 nhiệm vụ" (`plan_sentence`);
- "20 mục tiêu ở 3 trụ cột: chính quyền số (10 mục tiêu), …" (`pillar_sentence`).

Statuses come from `chiso.plans.status` in bulk, so counting a whole province costs the
same few queries as counting one plan.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from chiso.metrics.models import Period
from chiso.orgs.models import OrgUnit

from .models import Plan, Target, Task
from .status import (
    TargetResult,
    TargetStatus,
    TaskResult,
    TaskStatus,
    target_statuses,
    task_statuses,
)


@dataclass
class Scope:
    """Which targets and tasks to count. Every field narrows; none given: everything."""
    plans: list[Plan] | QuerySet | None = None
    pillar: str | None = None
    unit: OrgUnit | None = None  # the lead unit
    include_below: bool = False  # the lead unit or any unit under it

    def targets(self) -> QuerySet:
        qs = Target.objects.all()
        if self.plans is not None:
            qs = qs.filter(plan__in=self.plans)
        if self.pillar:
            qs = qs.filter(pillar=self.pillar)
        if self.unit is not None:
            qs = qs.filter(self._lead("lead_unit"))
        return qs

    def tasks(self) -> QuerySet:
        qs = Task.objects.all()
        if self.plans is not None:
            qs = qs.filter(plan__in=self.plans)
        if self.pillar:
            # A task belongs to a pillar through the targets it serves.
            qs = qs.filter(pk__in=Task.targets.through.objects.filter(
                target__pillar=self.pillar).values("task_id"))
        if self.unit is not None:
            qs = qs.filter(self._lead("lead_unit"))
        return qs

    def _lead(self, name: str) -> Q:
        if self.include_below:
            return Q(**{f"{name}__path__startswith": self.unit.path})
        return Q(**{name: self.unit})


class TaskRow(NamedTuple):
    pk: int
    cancelled: bool
    completed_at: dt.date | None
    due_date: dt.date | None


@dataclass
class Counts:
    as_of: dt.date
    targets: Counter = field(default_factory=Counter)
    tasks: Counter = field(default_factory=Counter)
    tasks_completed_since: int = 0  # completed on or after `since` (the period's start)
    target_results: dict[int, TargetResult] = field(default_factory=dict)
    task_results: dict[int, TaskResult] = field(default_factory=dict)

    @property
    def n_targets(self) -> int:
        return sum(self.targets.values())

    @property
    def n_tasks(self) -> int:
        return sum(self.tasks.values())

    @property
    def targets_done(self) -> int:
        return sum(self.targets[s] for s in TargetStatus.DONE)

    @property
    def tasks_done(self) -> int:
        return sum(self.tasks[s] for s in TaskStatus.FINISHED)

    def target_rows(self) -> list[dict]:
        return [{"status": s, "label": TargetStatus.LABELS[s], "count": self.targets[s]}
                for s in TargetStatus.ORDER]

    def task_rows(self) -> list[dict]:
        return [{"status": s, "label": TaskStatus.LABELS[s], "count": self.tasks[s]}
                for s in TaskStatus.ORDER]


def count(scope: Scope, as_of: dt.date, since: dt.date | None = None) -> Counts:
    """Targets and tasks of `scope` by status on `as_of`."""
    targets = target_statuses(scope.targets(), as_of)
    tasks_qs = scope.tasks()
    # Plain rows, not model instances: the status needs four fields of each task.
    task_list = [TaskRow(*row) for row in tasks_qs.order_by().values_list(
        "pk", "cancelled", "completed_at", "due_date")]
    tasks = task_statuses(task_list, as_of)
    out = Counts(as_of=as_of, target_results=targets, task_results=tasks)
    out.targets.update(r.status for r in targets.values())
    out.tasks.update(r.status for r in tasks.values())
    if since is not None:
        out.tasks_completed_since = sum(
            1 for t in task_list
            if tasks[t.pk].status in TaskStatus.FINISHED and t.completed_at >= since)
    return out


def for_period(scope: Scope, period: Period) -> Counts:
    """Counts at the end of `period`, with the tasks completed within it."""
    return count(scope, period.end, since=period.start)


# --- sentences ------------------------------------------------------------------------------
def period_sentence(period: Period, counts: Counts) -> str:
    """`6 tháng đầu năm 2023 có 8 chỉ tiêu, 5 nhiệm vụ được hoàn thành`"""
    return _("%(period)s có %(t)s chỉ tiêu, %(k)s nhiệm vụ được hoàn thành") % {
        "period": period.label, "t": counts.targets_done, "k": counts.tasks_completed_since}


def cumulative_sentence(period: Period, counts: Counts) -> str:
    """`Đến hết năm 2022 đã đạt và vượt kế hoạch 11 mục tiêu, 19 nhiệm vụ`"""
    return _("Đến hết %(period)s đã đạt và vượt kế hoạch %(t)s mục tiêu, %(k)s nhiệm vụ") % {
        "period": period.label[:1].lower() + period.label[1:], "t": counts.targets_done,
        "k": counts.tasks_done}


def plan_sentence(plan: Plan) -> str:
    """`Kế hoạch số 37/KH-UBND đề ra 35 chỉ tiêu, 52 nhiệm vụ`"""
    return _("%(kind)s số %(number)s đề ra %(t)s chỉ tiêu, %(k)s nhiệm vụ") % {
        "kind": plan.get_kind_display(), "number": plan.number or "–",
        "t": plan.targets.count(), "k": plan.tasks.count()}


def pillar_sentence(plan: Plan) -> str:
    """`20 mục tiêu ở 3 trụ cột: chính quyền số (10 mục tiêu), kinh tế số (5 mục tiêu), …`"""
    pillars = list(plan.targets.order_by("order", "pk").values_list("pillar", flat=True))
    per = Counter(p for p in pillars if p)
    named = [(p, per[p]) for p in dict.fromkeys(p for p in pillars if p)]  # in plan order
    parts = ", ".join(_("%(p)s (%(n)s mục tiêu)") % {"p": p[:1].lower() + p[1:], "n": n}
                      for p, n in named)
    return _("%(t)s mục tiêu ở %(k)s trụ cột: %(parts)s") % {
        "t": len(pillars), "k": len(named), "parts": parts}
